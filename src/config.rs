//! Finds the strategy file: `--config`, then `$REGAL_CONFIG`, then `regal.yml`
//! next to the executable as invoked, then `./regal.yml`. An implicit place is
//! passed over only when nothing is there: a directory or a dangling symbolic
//! link named `regal.yml` is an error naming it, not a reason to read another
//! strategy.

use crate::error::Error;
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The file name looked for next to the executable and in the current directory.
pub const FILE_NAME: &str = "regal.yml";

/// Where the strategy file is. An explicit `--config` or `$REGAL_CONFIG` is used
/// as given (a missing file is then a read error naming it); the implicit places
/// are tried in order and the error lists them all.
pub fn find(
    flag: Option<&Path>,
    env_var: Option<&OsString>,
    argv0: Option<&OsString>,
) -> Result<PathBuf, Error> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = env_var.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let mut tried = Vec::new();
    // argv[0] as invoked, not symlink-resolved: `inventory/regal-inventory` -> `inventory/regal.yml`.
    if let Some(dir) = argv0
        .map(Path::new)
        .filter(|p| p.components().count() > 1)
        .and_then(Path::parent)
    {
        tried.push(dir.join(FILE_NAME));
    }
    tried.push(PathBuf::from(FILE_NAME));
    for path in &tried {
        if let Some(found) = found_at(path) {
            return found.map(|()| path.clone());
        }
    }
    Err(Error::NotFound { tried })
}

/// None when nothing is at `path`, so the next place is tried. Anything else
/// there is meant as the strategy: it is used, or is an error naming it, never
/// skipped for a strategy further down the list.
fn found_at(path: &Path) -> Option<Result<(), Error>> {
    let unusable = |why: String| {
        Some(Err(Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "{why}; make it the strategy file or remove it, or pass --config PATH"
            )),
        }))
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => None,
        Err(e) => unusable(e.to_string()),
        Ok(_) => match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => unusable("it is a directory".into()),
            Ok(_) => Some(Ok(())),
            Err(e) if e.kind() == ErrorKind::NotFound => match std::fs::read_link(path) {
                Ok(target) => unusable(format!(
                    "it is a symbolic link to {}, which does not exist",
                    target.display()
                )),
                Err(_) => unusable("it is a symbolic link to nothing".into()),
            },
            Err(e) => unusable(e.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_over_env() {
        let env = OsString::from("/env/regal.yml");
        let found = find(Some(Path::new("/flag.yml")), Some(&env), None).unwrap();
        assert_eq!(found, PathBuf::from("/flag.yml"));
        assert_eq!(
            find(None, Some(&env), None).unwrap(),
            PathBuf::from("/env/regal.yml")
        );
    }

    #[test]
    fn not_found_lists_the_places_tried() {
        let argv0 = OsString::from("/nonexistent/dir/regal-inventory");
        match find(None, None, Some(&argv0)) {
            Err(Error::NotFound { tried }) => assert_eq!(
                tried,
                [
                    PathBuf::from("/nonexistent/dir/regal.yml"),
                    PathBuf::from("regal.yml")
                ]
            ),
            other => panic!("unexpected: {other:?}"),
        }
    }
}
