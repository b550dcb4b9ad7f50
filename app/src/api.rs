//! Server functions, one file per area. Each is thin: it resolves the caller, checks what
//! they may do, and calls a plain service function in `crate::server`.

pub mod admin;
pub mod assess;
pub mod auth;
pub mod error;
pub mod frameworks;
pub mod inbox;
pub mod learning;
pub mod people;
pub mod plans;
pub mod positions;
pub mod recognition;
pub mod reports;

pub use error::AppError;

/// The keys of ticked checkboxes (`name[KEY]=on`), parsed; a damaged key, or more than
/// `max` boxes (counted before any is parsed), is reported on `field`.
#[cfg(feature = "ssr")]
pub fn ticked<T: std::str::FromStr>(
    boxes: &std::collections::BTreeMap<String, String>,
    field: &str,
    max: usize,
) -> Result<Vec<T>, AppError> {
    if boxes.len() > max {
        return Err(AppError::invalid(
            field,
            format!("Tick at most {max} at a time."),
        ));
    }
    boxes
        .keys()
        .map(|k| {
            k.parse::<T>()
                .map_err(|_| AppError::invalid(field, "The form is damaged; reload the page."))
        })
        .collect()
}
