// The invalid type of exercise 1: it implements `Rule` but forgets `run`.
use exercises::subject::ex01_rule_enforcing_trait::Rule;

struct InvalidRule;

impl Rule for InvalidRule {}

fn main() {}
