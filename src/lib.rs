//! COO Dashboard: a folder of departmental exports in, a COO's monthly picture out.
//!
//! Dependencies point one way: `input` (reading) → `metrics` → `escalations` → `report`, with
//! `model` the shared vocabulary. The GUI (feature `gui`) only reads what the core prepared.

pub mod allocator;
pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod config;
pub mod escalations;
pub mod explain;
pub mod format;
pub mod input;
pub mod metrics;
pub mod model;
pub mod report;
pub mod synthetic;
pub mod text;
