//! threading_examples
