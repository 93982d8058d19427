// Module 3, m04: a class whose name starts with a lowercase letter. The `const` check that
// `define_class!` writes next to the type fails while compiling: the rule runs at definition time.
#![allow(non_camel_case_types)]
#[macro_use]
#[allow(dead_code)]
#[path = "../../examples/m04_definition_time_hook.rs"]
mod m04;
use m04::ClassInfo;

define_class!(sample);

fn main() {}
