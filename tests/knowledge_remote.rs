//! `knowledge.url`: fetching a copy of the knowledge over HTTP from a server on 127.0.0.1.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use safeguarding_bot::knowledge::{remote, Knowledge, KnowledgeFiles};
use safeguarding_bot::snapshot::Snapshot;

/// The built-in knowledge as path → text, to be served over HTTP.
fn files_map() -> BTreeMap<String, String> {
    let files = KnowledgeFiles::embedded();
    files
        .paths()
        .map(|p| (p.to_string(), files.get(p).unwrap().to_string()))
        .collect()
}

type Served = Arc<Mutex<(BTreeMap<String, String>, Vec<String>)>>;

async fn serve_file(State(s): State<Served>, Path(path): Path<String>) -> (StatusCode, String) {
    let mut g = s.lock().unwrap();
    g.1.push(path.clone());
    if path == "offences.toml" && g.0.contains_key("FAIL") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "boom".into());
    }
    match g.0.get(&path) {
        Some(t) => (StatusCode::OK, t.clone()),
        None => (StatusCode::NOT_FOUND, String::new()),
    }
}

/// Starts a static file server for `files` under `/k/`; returns its base URL and request log.
async fn server(files: BTreeMap<String, String>) -> (String, Served) {
    std::env::set_var("NO_PROXY", "127.0.0.1");
    let state: Served = Arc::new(Mutex::new((files, Vec::new())));
    let app = Router::new()
        .route("/k/{*path}", get(serve_file))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/k"), state)
}

#[tokio::test]
async fn fetches_the_same_copy_as_built_in() {
    let mut served = files_map();
    served.insert("unlisted.md".into(), "not named by the manifest".into());
    let (base, log) = server(served).await;
    let fetched = remote::fetch(&base).await.expect("fetch");
    assert_eq!(fetched.origin(), base);
    let want = KnowledgeFiles::embedded();
    assert_eq!(
        fetched.paths().collect::<Vec<_>>(),
        want.paths().collect::<Vec<_>>(),
        "exactly the manifest's documents and the record files"
    );
    for path in want.paths() {
        assert_eq!(fetched.get(path), want.get(path), "{path}");
    }
    assert_eq!(fetched.hash(), want.hash(), "same copy, same hash");
    let snapshot = Snapshot::build(&fetched).expect("valid, triage tree included");
    assert_eq!(
        snapshot.knowledge.manifest.version,
        Knowledge::embedded().unwrap().manifest.version
    );
    let asked = log.lock().unwrap().1.clone();
    assert_eq!(asked[0], "manifest.toml");
    assert!(asked.iter().any(|p| p.starts_with("sources/")), "{asked:?}");
}

#[tokio::test]
async fn missing_file_is_reported_by_the_loader() {
    let mut files = files_map();
    files.remove("thresholds.toml");
    let (base, _) = server(files).await;
    let fetched = remote::fetch(&base)
        .await
        .expect("a 404 is not a fetch error");
    let errors = Knowledge::load(&fetched).unwrap_err();
    assert!(
        errors.to_string().contains("thresholds.toml: is missing"),
        "{errors}"
    );
}

#[tokio::test]
async fn server_errors_and_bad_manifests_are_errors() {
    let mut files = files_map();
    files.insert("FAIL".into(), String::new());
    let (base, _) = server(files).await;
    let errors = remote::fetch(&base).await.unwrap_err();
    assert!(errors.to_string().contains("offences.toml"), "{errors}");
    assert!(errors.to_string().contains("HTTP 500"), "{errors}");

    let mut files = files_map();
    files.insert(
        "manifest.toml".into(),
        "version = \"x\"\nlast_checked = \"y\"\n[[document]]\nid = \"d\"\ntitle = \"t\"\npublisher = \"p\"\ndate = \"d\"\nfile = \"../../etc/passwd\"\n".into(),
    );
    let (base, _) = server(files).await;
    let errors = remote::fetch(&base).await.unwrap_err();
    assert!(errors.to_string().contains("relative path"), "{errors}");
}

#[tokio::test]
async fn nothing_there_is_an_error_naming_the_manifest() {
    let (base, _) = server(BTreeMap::new()).await;
    let errors = remote::fetch(&format!("{base}/?token=hidden"))
        .await
        .unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("manifest.toml") && text.contains("404"),
        "{text}"
    );
    assert!(!text.contains("hidden"), "{text}");

    // A port nobody listens on.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let errors = remote::fetch(&format!("http://{addr}/k"))
        .await
        .unwrap_err();
    assert!(errors.to_string().contains("cannot fetch"), "{errors}");
}
