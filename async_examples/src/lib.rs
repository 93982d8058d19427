//! async_examples
