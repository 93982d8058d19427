//! A "class" built at run time from a name and a method table, next to a normal struct.
//!
//! Python original: the course notebook, Module 3 "Step 2: Create a class dynamically using type":
//! `Person = type("Person", (), {"greet": greet})` builds a class from a name, bases and a dict
//! of methods, and `Person().greet()` returns "Hello". Rust cannot create types at run time. The
//! nearest thing is a value that *plays* a class: a name plus a table from method names to
//! function pointers, looked up when called. That is how you would build plugins or a scripting
//! layer; for ordinary code, the `impl` block (checked at compile time) is the answer.
//!
//! Run: `cargo run --example m02_dynamic_type_table`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | static Person.greet() -> Hello
//! [   0.000s] main         | runtime-built Person.greet() -> Hello
//! [   0.000s] main         | runtime-built Person.wave() -> error: Person has no method 'wave'
//! ```

use std::collections::HashMap;

/// The normal way: a type with a method, checked by the compiler.
struct Person;

impl Person {
    fn greet(&self) -> String {
        "Hello".to_owned()
    }
}

/// A method of a runtime-built class: a plain function taking the object.
type Method = fn(&Object) -> String;

/// A "class" as data: a name and a method table (the `dict` passed to `type`).
struct DynClass {
    name: String,
    methods: HashMap<&'static str, Method>,
}

/// An instance: which class it belongs to (and, in a fuller version, its fields).
struct Object<'c> {
    class: &'c DynClass,
}

impl DynClass {
    /// Python's `type(name, (), namespace)`.
    fn new(name: &str, methods: &[(&'static str, Method)]) -> Self {
        Self {
            name: name.to_owned(),
            methods: methods.iter().copied().collect(),
        }
    }
    /// Python's `Person()`.
    fn instantiate(&self) -> Object<'_> {
        Object { class: self }
    }
}

impl Object<'_> {
    /// Looks the method up by name at run time — a typo is found only when this line runs.
    fn call(&self, method: &str) -> Result<String, String> {
        self.class
            .methods
            .get(method)
            .map(|m| m(self))
            .ok_or_else(|| format!("{} has no method '{method}'", self.class.name))
    }
}

/// The Python original's free function `greet(self)`.
fn greet(_obj: &Object) -> String {
    "Hello".to_owned()
}

/// The runtime-built `Person` class.
fn runtime_person() -> DynClass {
    DynClass::new("Person", &[("greet", greet)])
}

fn main() {
    utilities::output::start_clock();
    utilities::say!("static Person.greet() -> {}", Person.greet());
    let class = runtime_person();
    let p = class.instantiate();
    let hello = p.call("greet").unwrap_or_else(|e| format!("error: {e}"));
    utilities::say!("runtime-built Person.greet() -> {hello}");
    let wave = p.call("wave").unwrap_or_else(|e| format!("error: {e}"));
    utilities::say!("runtime-built Person.wave() -> {wave}");
    assert_eq!(Person.greet(), hello);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        let class = runtime_person();
        let p = class.instantiate();
        assert_eq!(p.call("greet").as_deref(), Ok("Hello"));
        assert_eq!(
            p.call("wave"),
            Err("Person has no method 'wave'".to_owned())
        );
    }
}
