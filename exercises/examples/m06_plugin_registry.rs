//! Types that register themselves: a plugin registry filled before `main` runs.
//!
//! Python original: the course notebook, Module 3 "Practical Example: Automatic Class Registration" (RegistryMeta): every
//! class built with the metaclass lands in `RegistryMeta.registry`, and printing it shows
//! `{'PluginA': <class '__main__.PluginA'>, 'PluginB': <class '__main__.PluginB'>}`.
//!
//! Rust: `inventory::submit!` next to each plugin adds a `(name, constructor)` entry to a
//! distributed registry; the linker gathers the entries from every file (and every crate), and
//! `inventory::iter` walks them. Nothing lists the plugins centrally, so adding one is adding a
//! file. The alternative is an explicit `static` table: one place to read, but one more line to
//! edit for each plugin. Both are shown; they agree.
//!
//! Run: `cargo run --example m06_plugin_registry`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | registry (inventory): ["PluginA", "PluginB"]
//! [   0.000s] main         | registry (static table): ["PluginA", "PluginB"]
//! [   0.000s] main         | PluginA runs
//! [   0.000s] main         | PluginB runs
//! ```

trait Plugin {
    fn run(&self) -> String;
}

/// A registry entry: the name and how to build the plugin.
struct PluginEntry {
    name: &'static str,
    make: fn() -> Box<dyn Plugin>,
}

inventory::collect!(PluginEntry);

struct PluginA;
impl Plugin for PluginA {
    fn run(&self) -> String {
        "PluginA runs".to_owned()
    }
}
inventory::submit! { PluginEntry { name: "PluginA", make: || Box::new(PluginA) } }

struct PluginB;
impl Plugin for PluginB {
    fn run(&self) -> String {
        "PluginB runs".to_owned()
    }
}
inventory::submit! { PluginEntry { name: "PluginB", make: || Box::new(PluginB) } }

/// The explicit alternative: one table, edited by hand for each plugin.
static STATIC_TABLE: &[PluginEntry] = &[
    PluginEntry {
        name: "PluginA",
        make: || Box::new(PluginA),
    },
    PluginEntry {
        name: "PluginB",
        make: || Box::new(PluginB),
    },
];

/// Names in the self-filled registry, sorted (link order is unspecified).
fn registry_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = inventory::iter::<PluginEntry>
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort_unstable();
    names
}

/// Builds and runs every registered plugin, in name order.
fn run_all() -> Vec<String> {
    let mut entries: Vec<&PluginEntry> = inventory::iter::<PluginEntry>.into_iter().collect();
    entries.sort_by_key(|e| e.name);
    entries.iter().map(|e| (e.make)().run()).collect()
}

fn main() {
    utilities::output::start_clock();
    utilities::say!("registry (inventory): {:?}", registry_names());
    let table: Vec<&str> = STATIC_TABLE.iter().map(|p| p.name).collect();
    utilities::say!("registry (static table): {table:?}");
    for line in run_all() {
        utilities::say!("{line}");
    }
    assert_eq!(registry_names(), table);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(registry_names(), ["PluginA", "PluginB"]);
        assert_eq!(run_all(), ["PluginA runs", "PluginB runs"]);
    }
}
