//! Watching the data folder: a background thread that, every couple of seconds, takes a
//! fingerprint of the exports (path, size and modification time of every supported file, plus
//! `coo-dashboard.toml`) and says when it changed.
//!
//! Why a poll and not OS notifications (`notify`): exports usually live on a shared drive
//! (SMB/NFS), where inotify and friends stay silent; a new export arrives a few times a month, so
//! two seconds of latency cost nothing; a few hundred `stat` calls every two seconds are noise;
//! and there is no dependency or platform backend to go wrong. A change is reported only once
//! the fingerprint has held still for one interval, so a file still being copied is not read
//! half-written.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, SystemTime};

use crate::config::CONFIG_FILE;
use crate::input;

/// How often the folder is looked at.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// A fingerprint of what a load of `data_dir` would read: the files of the loader's own folder
/// walk ([`input::export_paths`]: hidden folders such as the app's `.coo-dashboard` state and
/// Excel's `~$` lock files skipped), plus the settings file.
pub fn fingerprint(data_dir: &Path) -> u64 {
    let settings = data_dir.join(CONFIG_FILE);
    let mut entries: Vec<(PathBuf, u64, Option<SystemTime>)> = input::export_paths(data_dir)
        .into_iter()
        .chain(settings.is_file().then_some(settings))
        .map(|path| {
            let (size, modified) = std::fs::metadata(&path).map_or((0, None), |metadata| {
                (metadata.len(), metadata.modified().ok())
            });
            let relative = path.strip_prefix(data_dir).unwrap_or(&path).to_path_buf();
            (relative, size, modified)
        })
        .collect();
    entries.sort();
    let mut hasher = DefaultHasher::new();
    entries.hash(&mut hasher);
    hasher.finish()
}

/// A running watch of one folder; dropping it stops the thread within one interval.
#[derive(Debug)]
pub struct FolderWatcher {
    pub data_dir: PathBuf,
    stop: Arc<AtomicBool>,
    changes: Receiver<u64>,
}

impl FolderWatcher {
    /// Starts watching. `baseline` is the fingerprint the app already has; `wake` is called when
    /// a change is sent (the app passes a repaint request).
    pub fn start(
        data_dir: PathBuf,
        baseline: u64,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<FolderWatcher> {
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, changes) = mpsc::channel();
        let thread_stop = Arc::clone(&stop);
        let thread_dir = data_dir.clone();
        std::thread::Builder::new()
            .name("coo-dashboard folder watch".to_string())
            .spawn(move || watch(&thread_dir, baseline, &thread_stop, &sender, &wake))?;
        Ok(FolderWatcher {
            data_dir,
            stop,
            changes,
        })
    }

    /// The newest fingerprint reported since the last call, if the folder changed.
    pub fn poll_change(&self) -> Option<u64> {
        self.changes.try_iter().last()
    }
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn watch(data_dir: &Path, baseline: u64, stop: &AtomicBool, sender: &Sender<u64>, wake: &dyn Fn()) {
    let mut reported = baseline;
    let mut previous = baseline;
    loop {
        // Sleep in small steps so that a stop request is honoured quickly.
        let mut slept = Duration::ZERO;
        while slept < POLL_INTERVAL {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let step = Duration::from_millis(100);
            std::thread::sleep(step);
            slept += step;
        }
        let current = fingerprint(data_dir);
        if current == previous && current != reported {
            reported = current;
            if sender.send(current).is_err() {
                return;
            }
            wake();
        }
        previous = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_changes_with_exports_and_settings_but_not_with_app_state_or_other_files() {
        let folder = tempfile::tempdir().expect("temp dir");
        let empty = fingerprint(folder.path());
        std::fs::write(folder.path().join("notes.md"), "x").expect("write");
        assert_eq!(
            fingerprint(folder.path()),
            empty,
            "files the loader ignores do not count"
        );
        std::fs::create_dir(folder.path().join(".coo-dashboard")).expect("mkdir");
        std::fs::write(folder.path().join(".coo-dashboard/state.csv"), "x").expect("write");
        assert_eq!(
            fingerprint(folder.path()),
            empty,
            "the app's own hidden state does not count"
        );
        std::fs::write(folder.path().join("finance.csv"), "month,department\n").expect("write");
        let with_export = fingerprint(folder.path());
        assert_ne!(with_export, empty);
        // Excel's lock file beside a workbook it has open: the loader skips it, so must the
        // watch (before, opening an export in Excel made the app reload).
        std::fs::write(folder.path().join("~$finance.xlsx"), "lock").expect("write");
        assert_eq!(
            fingerprint(folder.path()),
            with_export,
            "a lock file does not count"
        );
        std::fs::write(folder.path().join(CONFIG_FILE), "[mapping]\n").expect("write");
        assert_ne!(fingerprint(folder.path()), with_export);
    }

    #[test]
    fn a_new_export_is_reported_once_it_has_held_still_for_an_interval() {
        let folder = tempfile::tempdir().expect("temp dir");
        let baseline = fingerprint(folder.path());
        let watcher =
            FolderWatcher::start(folder.path().to_path_buf(), baseline, || {}).expect("starts");
        std::fs::write(
            folder.path().join("finance_2026-11.csv"),
            "month,department\n",
        )
        .expect("write");
        let deadline = std::time::Instant::now() + POLL_INTERVAL * 5;
        let mut reported = None;
        while reported.is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            reported = watcher.poll_change();
        }
        assert_eq!(
            reported,
            Some(fingerprint(folder.path())),
            "the change is reported with the new fingerprint"
        );
        std::thread::sleep(POLL_INTERVAL * 2);
        assert_eq!(
            watcher.poll_change(),
            None,
            "an unchanged folder is not reported again"
        );
    }
}
