//! The progress bar on standard error: bytes done, total, throughput.
//!
//! Shown only when standard error is a terminal, the input's size is known
//! and `--quiet` was not given; otherwise every call here does nothing.
//! [`Progress`] counts bytes the command itself moves; [`TransferBar`] is
//! fed by the progress reports of `kluis-transfer`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, IsTerminal, Read};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kluis_transfer::{Phase, ProgressEvent};

/// A bar for `total` bytes labelled `label`, when one is to be shown.
fn new_bar(label: impl Into<Cow<'static, str>>, total: u64, quiet: bool) -> Option<ProgressBar> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    let style =
        ProgressStyle::with_template("{msg} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    let bar =
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style).with_message(label);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// A progress bar that may be hidden. It is cleared when dropped, so an
/// error message printed afterwards stands on a clean line.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts a bar for `total` bytes, labelled `verb` (e.g. `sealing`).
    pub(crate) fn start(verb: &'static str, total: Option<u64>, quiet: bool) -> Self {
        Progress { bar: total.and_then(|total| new_bar(verb, total, quiet)) }
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

    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        let n = self.inner.read_vectored(bufs)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// A progress bar for one phase of a transfer (sealing, uploading or
/// downloading), fed by [`kluis_transfer::Progress`] reports: the bar shows
/// the bytes done over all files (and the manifest) reported in that phase.
/// Reports of other phases are ignored. Cleared when dropped.
pub(crate) struct TransferBar {
    bar: Option<ProgressBar>,
    phase: Phase,
    /// The total was given up front; otherwise it is the sum of the totals
    /// reported so far.
    fixed_total: bool,
    state: Mutex<BarState>,
}

/// The last report per file (`None` is the manifest), and their sums.
#[derive(Default)]
struct BarState {
    last: HashMap<Option<u32>, (u64, u64)>,
    done: u64,
    total: u64,
}

impl TransferBar {
    /// Starts a bar labelled `label` for reports of `phase`; `total` is the
    /// byte count of the whole phase when known.
    pub(crate) fn start(label: impl Into<Cow<'static, str>>, phase: Phase, total: Option<u64>, quiet: bool) -> Self {
        TransferBar {
            bar: new_bar(label, total.unwrap_or(0), quiet),
            phase,
            fixed_total: total.is_some(),
            state: Mutex::new(BarState::default()),
        }
    }

    /// Bytes done and total so far (for tests).
    #[cfg(test)]
    fn counts(&self) -> (u64, u64) {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        (state.done, state.total)
    }
}

impl kluis_transfer::Progress for TransferBar {
    fn progress(&self, event: ProgressEvent) {
        if event.phase != self.phase {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (done, total) = state.last.insert(event.file, (event.done, event.total)).unwrap_or((0, 0));
        state.done = state.done.saturating_sub(done).saturating_add(event.done);
        state.total = state.total.saturating_sub(total).saturating_add(event.total);
        if let Some(bar) = &self.bar {
            if !self.fixed_total {
                bar.set_length(state.total);
            }
            bar.set_position(state.done);
        }
    }
}

impl Drop for TransferBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kluis_transfer::Progress as _;

    #[test]
    fn transfer_bar_sums_files_of_its_phase() {
        let bar = TransferBar::start("uploading", Phase::Uploading, None, true);
        let event = |phase, file, done, total| ProgressEvent { phase, file, done, total };
        bar.progress(event(Phase::Uploading, Some(0), 0, 100));
        bar.progress(event(Phase::Uploading, Some(0), 60, 100));
        bar.progress(event(Phase::Uploading, Some(1), 10, 50));
        bar.progress(event(Phase::Sealing, Some(1), 999, 999));
        assert_eq!(bar.counts(), (70, 150));
        bar.progress(event(Phase::Uploading, Some(0), 100, 100));
        bar.progress(event(Phase::Uploading, None, 30, 30));
        assert_eq!(bar.counts(), (140, 180));
    }
}
