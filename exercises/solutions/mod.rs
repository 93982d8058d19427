//! Reference solutions, one module per exercise. The tests in `exercises/tests/` check these by default.

pub mod ex01_rule_enforcing_trait;
pub mod ex02_payment_gateway;
pub mod ex03_mini_orm_storage;
pub mod ex04_thread_behavior_analysis;
pub mod ex05_basic_thread_management;
pub mod ex06_synchronization_in_practice;
pub mod ex07_safe_access_no_deadlock;
pub mod ex08_parallel_squares_pool;
pub mod ex09_pool_shared_manager_list;
pub mod ex10_choose_the_right_tool;
pub mod ex11_own_async_tasks;
pub mod ex12_api_async_thinking;
pub mod ex13_hybrid_concurrency;
pub mod ex14_async_web_scraper;
pub mod ex15_web_scraping;
pub mod ex16_data_processing;
pub mod ex17_thread_safe_structures;
