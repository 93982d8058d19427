//! Code that runs "when a class is defined": a macro defines and registers the type.
//!
//! Python original: the course notebook, Module 3 "Defining a Custom Metaclass" (`MyMeta`) and "The `__new__` Method in a
//! Metaclass" (DebugMeta): Python runs `DebugMeta.__new__` while executing `class Sample`, so
//! "Creating class: Sample" prints once, before any instance exists.
//!
//! Rust creates no types at run time, so there is no moment of class creation to hook. Two
//! stand-ins, one for each half of the job:
//! - **Compile time** (`const` items): checks that run where the type is defined, and stop the
//!   build if they fail — here, that the type's name starts with a capital letter
//!   (`define_class!(sample)` does not compile: `tests/ui/m04_lowercase_class.rs`).
//! - **Start-up**: a `macro_rules!` macro writes the struct *and* an `inventory::submit!`
//!   registration next to it. Walking the registry at the start of `main` prints one "Creating
//!   class" line per defined type, before any instance is built.
//!
//! Run: `cargo run --example m04_definition_time_hook`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Creating class: Sample
//! [   0.000s] main         | (every defined type was announced; now the first instance)
//! [   0.000s] main         | made an instance of Sample
//! ```

/// What the macro records about each type it defines.
pub(crate) struct ClassInfo {
    pub(crate) name: &'static str,
}

inventory::collect!(ClassInfo);

/// `define_class!(Name)`: the struct, a compile-time check, and its registration.
macro_rules! define_class {
    ($name:ident) => {
        #[derive(Debug, Default)]
        struct $name;

        // Runs at compile time, where the type is defined: a class name must start with a
        // capital letter, or the build stops (tests/ui/m04_lowercase_class.rs proves it can).
        const _: () = assert!(
            stringify!($name).as_bytes()[0].is_ascii_uppercase(),
            "class names start with a capital letter"
        );

        inventory::submit! { ClassInfo { name: stringify!($name) } }
    };
}

define_class!(Sample);

/// One line per defined type, as `DebugMeta.__new__` prints them.
fn creation_messages() -> Vec<String> {
    let mut names: Vec<&str> = inventory::iter::<ClassInfo>
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .map(|n| format!("Creating class: {n}"))
        .collect()
}

fn main() {
    utilities::output::start_clock();
    for line in creation_messages() {
        utilities::say!("{line}");
    }
    utilities::say!("(every defined type was announced; now the first instance)");
    let s = Sample;
    utilities::say!("made an instance of {s:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(creation_messages(), ["Creating class: Sample"]);
    }
}
