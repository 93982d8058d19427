//! A method is a function whose first parameter is `self`: "Hello" four ways.
//!
//! Python original: the course notebook, Module 3 cells "calling `p.greet()` is equivalent to `greet(p)`" and `abc(p)`: in Python
//! `p.greet()` is sugar for `Person.greet(p)`, and any function taking the object works the same.
//! Rust says so in its syntax: `p.greet()` is `Person::greet(&p)`; a trait method can be named
//! fully as `<Person as Greet>::greet(&p)`; and a free function over `&Person` is just a function.
//! All four compile to the same kind of call, resolved at compile time (no lookup by name).
//!
//! Run: `cargo run --example m03_method_call_is_function_call`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | p.greet()                 -> Hello
//! [   0.000s] main         | Person::greet(&p)         -> Hello
//! [   0.000s] main         | <Person as Greet>::greet  -> Hello
//! [   0.000s] main         | abc(&p)                   -> Hello
//! ```

struct Person;

/// A trait with the same method, to show fully qualified syntax.
trait Greet {
    fn greet(&self) -> String;
}

impl Greet for Person {
    fn greet(&self) -> String {
        "Hello".to_owned()
    }
}

/// The Python original's `def abc(self): return "Hello"` — a free function, not a method.
fn abc(_p: &Person) -> String {
    "Hello".to_owned()
}

/// The four calls, labelled.
fn four_ways(p: &Person) -> [(&'static str, String); 4] {
    [
        ("p.greet()", p.greet()),
        ("Person::greet(&p)", Person::greet(p)),
        ("<Person as Greet>::greet", <Person as Greet>::greet(p)),
        ("abc(&p)", abc(p)),
    ]
}

fn main() {
    utilities::output::start_clock();
    let p = Person;
    let ways = four_ways(&p);
    for (how, result) in &ways {
        utilities::say!("{how:<25} -> {result}");
    }
    assert!(ways.iter().all(|(_, r)| r == "Hello"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        let ways = four_ways(&Person);
        assert_eq!(ways.len(), 4);
        assert!(ways.iter().all(|(_, r)| r == "Hello"));
    }
}
