//! Rebuilds the crate whenever anything under `knowledge/` changes, so the copy of the knowledge
//! embedded in the binary (`include_dir!` in src/knowledge/files.rs) is never stale.

fn main() {
    println!("cargo:rerun-if-changed=knowledge");
    println!("cargo:rerun-if-changed=migrations");
}
