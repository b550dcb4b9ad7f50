//! The one error type server functions return. Everything in it is safe to show the
//! caller: database errors are logged on the server and arrive here as `Internal`.

use crate::domain::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error a server function reports to its caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session.
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    /// Signed in, but not allowed.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The thing asked for does not exist (or the caller may not know it exists).
    #[error("{0} was not found.")]
    NotFound(String),
    /// A field failed validation (the message is shown next to that field).
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// The request conflicts with the current state (a duplicate, a stale edit).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again after `retry_after` seconds (sent as `Retry-After`).
    #[error("{message}")]
    TooManyAttempts { message: String, retry_after: u64 },
    /// The server is at capacity for this kind of work; try again after `retry_after`
    /// seconds (sent as `Retry-After`).
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// Something failed on the server; details are in the server log only.
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    /// The request could not be sent or decoded (network, protocol).
    #[error("The request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// A validation error for `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldError::new(field, message))
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Busy { .. } => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// Seconds after which trying again may succeed (the `Retry-After` header).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after, .. } | AppError::Busy { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// The field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(f) => Some(&f.field),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
