//! multiprocessing_examples
