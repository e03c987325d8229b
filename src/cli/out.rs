//! Standard output and error for the one-shot commands, tolerant of a reader that goes away.

use std::io::{self, Write};

/// Standard output that tolerates a reader going away: after the first broken-pipe error every
/// write succeeds without doing anything, and [`Out::closed`] says so, so loops can stop early.
/// Any other write error is still an error. It locks standard output per write only, so other
/// threads (a long-running subcommand's tasks) can still print.
pub struct Out {
    inner: io::Stdout,
    closed: bool,
}

impl Out {
    /// Standard output, open.
    pub fn new() -> Self {
        Self {
            inner: io::stdout(),
            closed: false,
        }
    }

    /// True once the reader has gone away.
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn absorb<T>(&mut self, r: io::Result<T>, closed_value: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(closed_value)
            }
            r => r,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.absorb(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.absorb(r, ())
    }
}

/// Writes `text` (and flushes, so a closed reader is noticed now rather than at exit).
pub fn emit(out: &mut Out, text: impl std::fmt::Display) -> Result<(), String> {
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))
}

/// Writes one line to standard error; a closed standard error is ignored (`eprintln!` would
/// panic).
pub fn report(text: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "{text}");
}
