//! A throwaway PostgreSQL cluster per test, so the store's guarantees are tested on a real
//! server and not only on SQLite: `initdb` into a temporary directory, `pg_ctl start` on a free
//! port on 127.0.0.1 (its socket in the same directory), one database created, and everything
//! stopped and deleted when the [`Postgres`] is dropped.
//!
//! Where the PostgreSQL server programs are not installed (looked for on `PATH` and in
//! `/usr/lib/postgresql/*/bin`), [`TestDb::postgres`] prints that the test skipped and why, and
//! returns `None`. `initdb` refuses to run as root, so as root the cluster is created and run
//! as the `postgres` user (through `runuser`, or `setpriv` where there is no `runuser`).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A running throwaway cluster; stopped and deleted on drop.
pub struct Postgres {
    dir: TempDir,
    bin: PathBuf,
    run_as: Option<String>,
    port: u16,
    /// `postgres://postgres@127.0.0.1:PORT/triage`: the test database.
    pub url: String,
}

/// The folder holding both `initdb` and `pg_ctl`: `PATH` first, then the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn server_bin() -> Option<PathBuf> {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(d) = on_path.into_iter().find(|d| has_both(d)) {
        return Some(d);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| has_both(d))
        .collect();
    versions.sort_by_key(|d| {
        let v = d
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str());
        v.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    versions.pop()
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn id_of(user: &str, flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, user]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

impl Postgres {
    /// A cluster, or `None` (having printed `SKIPPED <test>: why`) where PostgreSQL is not
    /// installed: the calling test then returns, skipped.
    pub async fn start_or_skip(test: &str) -> Option<Postgres> {
        Postgres::start()
            .await
            .map_err(|why| eprintln!("SKIPPED {test}: {why}"))
            .ok()
    }

    /// Starts a cluster, or says why it cannot (`Err`: the server is not installed, or as root
    /// there is no `postgres` user to run it as).
    pub async fn start() -> Result<Postgres, String> {
        let bin = server_bin().ok_or(
            "PostgreSQL server programs (initdb, pg_ctl) not found on PATH or in \
             /usr/lib/postgresql/*/bin",
        )?;
        let dir = tempfile::tempdir().expect("tempdir");
        let run_as = if running_as_root() {
            let uid = id_of("postgres", "-u").ok_or("running as root and no postgres user")?;
            let gid = id_of("postgres", "-g").ok_or("no group for the postgres user")?;
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown tempdir");
            Some("postgres".to_string())
        } else {
            None
        };
        let mut pg = Postgres {
            url: String::new(),
            port: 0,
            dir,
            bin,
            run_as,
        };
        let data = pg.dir.path().join("data").display().to_string();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )
        .expect("initdb");
        // A port found free can be taken before the server binds it (tests start clusters in
        // parallel): try another.
        let mut tries = 0;
        loop {
            pg.port = super::free_port();
            match pg.pg_ctl_start() {
                Ok(()) => break,
                Err(e) if tries < 3 => {
                    eprintln!(
                        "PostgreSQL did not start on port {}, retrying: {e}",
                        pg.port
                    );
                    tries += 1;
                }
                Err(e) => panic!("pg_ctl start: {e}"),
            }
        }
        let port = pg.port;
        pg.url = format!("postgres://postgres@127.0.0.1:{port}/triage");
        let admin = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .expect("connect to the throwaway cluster");
        sqlx::query("CREATE DATABASE triage")
            .execute(&mut conn)
            .await
            .expect("create the test database");
        Ok(pg)
    }

    /// Starts the server on `port` (the cluster's folder is its socket directory), waiting
    /// until it accepts connections.
    fn pg_ctl_start(&self) -> Result<(), String> {
        let port = self.port;
        let (data, sock, log) = (
            self.dir.path().join("data").display().to_string(),
            self.dir.path().display().to_string(),
            self.dir.path().join("log").display().to_string(),
        );
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off"
        );
        self.run(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-o", &opts, "-w", "start"],
        )
        .map(|_| ())
        .map_err(|e| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\nserver log:\n{log}")
        })
    }

    /// Stops the server (fast shutdown), as when the database host goes down.
    pub fn stop(&self) {
        let data = self.dir.path().join("data").display().to_string();
        self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"])
            .expect("pg_ctl stop");
    }

    /// Starts the server again after [`Postgres::stop`], on the same port.
    pub fn start_again(&self) {
        self.pg_ctl_start().expect("pg_ctl start again");
    }

    /// Runs one of the server programs (as `postgres` when we are root); `Err` with its output
    /// when it fails.
    fn run(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let exe = self.bin.join(program);
        let mut cmd = match &self.run_as {
            None => Command::new(&exe),
            Some(user) if Path::new("/usr/sbin/runuser").exists() || which("runuser") => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={user}"))
                    .arg(format!("--regid={user}"))
                    .args(["--init-groups", "--"])
                    .arg(&exe);
                c
            }
        };
        // Run from the cluster's folder: the postgres user may not be able to read the cwd.
        cmd.args(args).current_dir(self.dir.path());
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(format!(
                "{program} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data").display().to_string();
        if let Err(e) = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]) {
            eprintln!("stopping the throwaway PostgreSQL cluster: {e}");
        }
    }
}

/// Where a test's store lives: an SQLite file in a temporary directory, or a database in a
/// throwaway PostgreSQL cluster. The store tests that matter run on both.
pub enum TestDb {
    /// `sqlite://<tempdir>/triage.db?mode=rwc`.
    Sqlite(TempDir),
    /// A database in its own cluster.
    Postgres(Postgres),
}

impl TestDb {
    /// A fresh SQLite file.
    pub fn sqlite() -> TestDb {
        TestDb::Sqlite(tempfile::tempdir().expect("tempdir"))
    }

    /// A fresh PostgreSQL database, or `None` (having printed why) where PostgreSQL is not
    /// installed: the calling test then returns, skipped.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        Postgres::start_or_skip(&format!("{test} on PostgreSQL"))
            .await
            .map(TestDb::Postgres)
    }

    /// The `database.url` of this store.
    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => super::db_url(&dir.path().join("triage.db")),
            TestDb::Postgres(pg) => pg.url.clone(),
        }
    }
}
