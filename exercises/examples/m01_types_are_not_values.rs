//! Python classes are objects made by `type`; Rust types exist only at compile time.
//!
//! Python original: the course notebook, Module 3 "What is a metaclass?" and "Step 1: Show that classes are created by type":
//! in Python `print(type(A))` prints `<class 'type'>`, because a class is itself an object, built
//! at run time by its metaclass. A Rust type is not a value: after compilation nothing called `A`
//! exists in the program. What remains is what the compiler chose to keep: a name string
//! (`std::any::type_name`, meant for diagnostics) and a unique id (`TypeId`), both fixed at
//! compile time. There is no metaclass to hook into; the rest of Module 3 shows what Rust uses
//! instead (traits, registries, macros).
//!
//! Run: `cargo run --example m01_types_are_not_values`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Python: type(A) is <class 'type'> (a class is a run-time object)
//! [   0.000s] main         | Rust: type_name::<A>() = "m01_types_are_not_values::A"
//! [   0.000s] main         | Rust: TypeId of A == TypeId of A: true; A == B: false
//! [   0.000s] main         | Rust: size_of::<A>() = 0 bytes (a unit struct has no data at run time)
//! ```

use std::any::{TypeId, type_name};

/// The Python original's `class A: pass`.
struct A;
/// Another empty type, to show that ids differ.
struct B;

/// The compile-time name of `T` (not guaranteed stable between compiler versions: for messages only).
fn name_of<T: ?Sized>() -> &'static str {
    type_name::<T>()
}

/// Whether two types are the same type (compared through their `TypeId`s).
fn same_type<T: 'static, U: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<U>()
}

fn main() {
    utilities::output::start_clock();
    let _a = A;
    let _b = B;
    utilities::say!("Python: type(A) is <class 'type'> (a class is a run-time object)");
    utilities::say!("Rust: type_name::<A>() = {:?}", name_of::<A>());
    utilities::say!(
        "Rust: TypeId of A == TypeId of A: {}; A == B: {}",
        same_type::<A, A>(),
        same_type::<A, B>()
    );
    utilities::say!(
        "Rust: size_of::<A>() = {} bytes (a unit struct has no data at run time)",
        std::mem::size_of::<A>()
    );
    assert!(name_of::<A>().ends_with("::A"));
    assert!(same_type::<A, A>() && !same_type::<A, B>());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert!(name_of::<A>().ends_with("::A"));
        assert!(same_type::<A, A>() && !same_type::<A, B>());
    }
}
