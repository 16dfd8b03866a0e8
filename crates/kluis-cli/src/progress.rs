//! The progress bar on standard error: bytes done, total, throughput.
//!
//! Shown only when standard error is a terminal, the input's size is known
//! and `--quiet` was not given; otherwise every call here does nothing.

use std::io::{self, IsTerminal, Read};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that may be hidden. It is cleared when dropped, so an
/// error message printed afterwards stands on a clean line.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts a bar for `total` bytes, labelled `verb` (e.g. `sealing`).
    pub(crate) fn start(verb: &'static str, total: Option<u64>, quiet: bool) -> Self {
        let bar = match total {
            Some(total) if !quiet && io::stderr().is_terminal() => {
                let style = ProgressStyle::with_template(
                    "{msg} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                    .with_style(style)
                    .with_message(verb);
                bar.enable_steady_tick(Duration::from_millis(200));
                Some(bar)
            }
            _ => None,
        };
        Progress { bar }
    }

    /// Counts `n` more bytes done.
    pub(crate) fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Wraps `reader` so that every byte read from it counts as done.
    pub(crate) fn reader<R: Read>(&self, inner: R) -> CountingReader<R> {
        CountingReader { inner, bar: self.bar.clone() }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A reader that advances a progress bar by the bytes read through it.
pub(crate) struct CountingReader<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}
