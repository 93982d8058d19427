//! The README's results block equals what `docs/results.json` says: both come from one run of
//! `scripts/bench.sh --publish`, and this test regenerates the block from the committed JSON.
//! An edit by hand to either file (or a README quoting another run) fails here.

use serde_json::Value;

#[test]
fn readme_results_block_equals_the_json() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("docs/results.json")).unwrap())
            .unwrap();
    let block = comparison::publish::current_block(&readme)
        .expect("README.md has the <!-- results:begin --> … <!-- results:end --> markers");
    let expected = comparison::publish::results_markdown(&json);
    if block != expected {
        let first = block
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "README results block differs from docs/results.json (regenerate with scripts/bench.sh --publish); first difference at line {}:\n README: {:?}\n JSON:   {:?}",
            first + 1,
            block.lines().nth(first),
            expected.lines().nth(first)
        );
    }
    // and the block says which machine and load it ran on
    assert!(block.contains("**Machine:**") && block.contains("**Load average**"));
}

#[test]
fn every_chart_the_readme_shows_exists() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for part in readme.split("](docs/").skip(1) {
        let file = part.split(')').next().unwrap();
        assert!(dir.join("docs").join(file).exists(), "docs/{file} missing");
    }
}
