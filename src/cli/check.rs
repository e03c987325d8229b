//! `check`: validates a copy of the knowledge (its triage tree and situation signals too),
//! printing every error.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use safeguarding_bot::knowledge::Knowledge;

use super::out::{emit, Out};

/// Runs `check`: exit 0 with the counts, or 1 with every error on standard error.
pub fn run(
    out: &mut Out,
    dir: &Option<PathBuf>,
    sources: Option<&std::path::Path>,
) -> Result<ExitCode, String> {
    let files = super::load_files(dir)?;
    match Knowledge::load(&files).and_then(|k| {
        let tree = safeguarding_bot::triage::Tree::load(&k)?;
        safeguarding_bot::situation::Signals::load(&k, &tree)?;
        if let Some(sources) = sources {
            let errors = safeguarding_bot::knowledge::source_headings::check(&k, sources);
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        Ok(k)
    }) {
        Ok(k) => {
            let c = k.counts();
            emit(out, format_args!(
                "ok: knowledge {} (hash {}) from {}: {} sections, {} contacts, {} thresholds, {} offences, {} notes\n",
                k.manifest.version, k.hash, files.origin(), c.sections, c.contacts, c.thresholds, c.offences, c.notes
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            let _ = write!(io::stderr(), "{errors}");
            Ok(ExitCode::FAILURE)
        }
    }
}
