//! Running the Python originals beside the Rust modes: the scripts in `comparison/python/` do
//! the same work with the same parameters (threads, multiprocessing, asyncio) and print one
//! JSON object. Without `python3` on `PATH` every Python column is skipped, never failed.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// Where the scripts live (this crate's `python/` folder).
pub fn script_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// The `python3` version string when it can be run, else `None`.
pub fn version() -> Option<String> {
    let out = Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Some(text.strip_prefix("Python ").unwrap_or(&text).to_owned())
}

/// Runs `python3 python/<script> args…` (killed after `limit`) and parses the JSON object on
/// the last line of its output.
///
/// # Errors
/// A missing script, a failing or hanging script, or output that is not JSON.
pub fn run(script: &str, args: &[String], limit: Duration) -> Result<Value> {
    let path = script_dir().join(script);
    if !path.is_file() {
        bail!("missing Python script {}", path.display());
    }
    let mut child = Command::new("python3")
        .arg(&path)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1") // no __pycache__ in the source tree
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("start python3")?;
    let mut stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{script} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if !status.success() {
        bail!("{script} failed ({status}): {}", err.trim());
    }
    let last = out
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(last).with_context(|| format!("{script} printed no JSON: {out}"))
}

/// One mode of a Python result: `(median seconds, checksum)`.
pub fn mode(result: &Value, name: &str) -> Option<(f64, Option<u64>)> {
    let m = result.get("modes")?.get(name)?;
    let mut samples: Vec<f64> = m
        .get("samples")?
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let median = crate::stats::median(&samples);
    Some((median, m.get("checksum").and_then(Value::as_u64)))
}

/// Every sample of one mode of a Python result, in seconds.
pub fn samples(result: &Value, name: &str) -> Option<Vec<f64>> {
    let v: Vec<f64> = result
        .get("modes")?
        .get(name)?
        .get("samples")?
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    (!v.is_empty()).then_some(v)
}

/// A plain number field of a Python result (`result["key"]`).
pub fn number(result: &Value, key: &str) -> Option<f64> {
    result.get(key).and_then(Value::as_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_modes_from_script_json() {
        let v: Value = serde_json::from_str(
            r#"{"modes": {"threads": {"samples": [3.0, 1.0, 2.0], "checksum": 45}}, "x": 1.5}"#,
        )
        .unwrap();
        assert_eq!(mode(&v, "threads"), Some((2.0, Some(45))));
        assert_eq!(mode(&v, "nope"), None);
        assert_eq!(number(&v, "x"), Some(1.5));
    }

    #[test]
    fn every_script_is_shipped() {
        for s in [
            "cpu_bound.py",
            "io_bound.py",
            "threads_vs_processes_demo.py",
            "spawn_memory.py",
            "sync_overhead.py",
            "serialization.py",
        ] {
            assert!(script_dir().join(s).is_file(), "{s} missing");
        }
    }
}
