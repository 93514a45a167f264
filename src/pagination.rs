//! Paging through list operations: the caller says what they want, the
//! client requests the pages.
//!
//! ```no_run
//! # async fn demo(client: certifyos::Client) -> certifyos::Result<()> {
//! use futures_util::TryStreamExt; // or futures::TryStreamExt
//!
//! // Every item, with the filters on every request.
//! let workflows: Vec<_> = client
//!     .credentialing_workflows_find_all()
//!     .name("Lovelace")
//!     .page_size(100)
//!     .stream()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! An operation pages itself when the document gives it `offset` and `limit`
//! query parameters and a page-shaped success body (a JSON array, or an object
//! with a `data` array and usually a `count`); `cargo xtask codegen` decides
//! this from the document, so an operation that gains that shape gets paging by
//! regenerating. `offset` and `limit` are `u64` (the document says `number`;
//! `integer_pagination_parameters`).
//!
//! - `.page_size(n)` sets `limit` (default [`DEFAULT_PAGE_SIZE`], 100; the
//!   document's default of 10 would mean ten times the requests); an `.offset(n)`
//!   set on the builder is where paging starts.
//! - Every request carries the filters set on the builder.
//! - Paging stops once `count` items have been seen or on an empty page; where
//!   the body has no `count`, on a page shorter than the page size. No request
//!   is made after the last page.
//! - An error is yielded once and ends the stream.
//! - Paging always ends: a full page that repeats the previous one item for
//!   item (a server ignoring `offset`, whatever its `count` says) ends the
//!   stream with [`Error::PagingStalled`] after two requests, on both
//!   page shapes. A stream reads at most
//!   [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) pages (10,000 by default); where more would
//!   follow, it ends with [`Error::TooManyPages`] without requesting them.
//!
//! | paginated operation | page shape |
//! | --- | --- |
//! | `credentialing_workflows_find_all` | `{data, count}` |
//! | `provider_v2_find_all_outreaches` | `{data, count}` |
//! | `providers_v2_find_all` | array, no `count` |
//! | `facility_v2_find_all` | `{data, count, ids}` (`ids` is in `.send()`'s body, not in the pages) |
//! | `facility_v2_find_all_outreaches` | `{data, count}` |
//!
//! Seven more operations take `offset`/`limit` but are not paginated, because
//! the document gives their success no page shape:
//! `providers_provider_directory_export` and `providers_provider_hsd_report_export`
//! (an example-only `{message}`), `provider_v2_find_all_survey_responses`
//! (`data` is an object), `flags_find_all_flags` (no body), `flags_search_flags`
//! and `flags_v2_search_flags` (example-only `{data, meta}`),
//! `specialties_v2_find_all` (an example-only array). They take `u64`
//! `offset`/`limit` like the others.

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt};

use crate::error::{Error, Result};

/// Items per request when the caller sets no page size (the document's
/// default `limit` of 10 would make ten times the requests).
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the server's order.
    pub items: Vec<T>,
    /// How many items match the filters in all, where the response says.
    pub count: Option<u64>,
    /// The `offset` this page was requested with.
    pub offset: u64,
}

impl<T> Page<T> {
    pub(crate) fn new(offset: u64, items: Vec<T>, count: Option<f64>) -> Page<T> {
        Page {
            items,
            // The document types `count` as a JSON number.
            count: count
                .filter(|c| c.is_finite() && *c >= 0.0)
                .map(|c| c as u64),
            offset,
        }
    }
}

/// A list request that can be sent for any window of results: implemented by
/// the generated builder of every paginated operation.
pub(crate) trait PageRequest: Clone + Send {
    /// What one page holds.
    type Item: Send + crate::encode::Encode;

    /// The `offset` and `limit` the caller set, if any.
    fn window(&self) -> (Option<u64>, Option<u64>);

    /// The most pages one stream reads: the client's setting.
    fn max_pages(&self) -> u64;

    /// This request for `limit` items from `offset`.
    fn fetch(
        self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Page<Self::Item>>> + Send;
}

/// The client's [`max_pages`](crate::ClientBuilder::max_pages).
pub(crate) fn max_pages<C: progenitor_client::ClientInfo<crate::inner::Inner>>(client: &C) -> u64 {
    client.inner().max_pages
}

struct Cursor<R> {
    request: R,
    offset: u64,
    limit: u64,
    /// Pages read so far.
    read: u64,
    max_pages: u64,
    /// A digest of the previous page's items, to notice a repeated page.
    previous: Option<u64>,
}

/// A digest of a page's items (their JSON), compared with the next page's.
fn digest<T: crate::encode::Encode>(items: &[T]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    items.len().hash(&mut hasher);
    crate::encode::to_vec(items).hash(&mut hasher);
    hasher.finish()
}

/// Every page, requested as the stream is read.
pub(crate) fn pages<'a, R: PageRequest + 'a>(
    request: R,
) -> impl Stream<Item = Result<Page<R::Item>>> + Send + 'a {
    let (offset, limit) = request.window();
    let max_pages = request.max_pages();
    let cursor = Cursor {
        request,
        offset: offset.unwrap_or(0),
        // A page size of 0 would never advance.
        limit: limit.unwrap_or(DEFAULT_PAGE_SIZE).max(1),
        read: 0,
        max_pages,
        previous: None,
    };
    stream::unfold(Some(cursor), |cursor| async move {
        let Cursor {
            request,
            offset,
            limit,
            read,
            max_pages,
            previous,
        } = cursor?;
        if read >= max_pages {
            return Some((Err(Error::TooManyPages { max_pages }), None));
        }
        match request.clone().fetch(offset, limit).await {
            Err(e) => Some((Err(e), None)),
            Ok(page) => {
                let received = page.items.len() as u64;
                let this = (received > 0).then(|| digest(&page.items));
                if this.is_some() && this == previous {
                    return Some((Err(Error::PagingStalled { offset }), None));
                }
                let next = offset.saturating_add(received);
                let last = match page.count {
                    Some(count) => received == 0 || next >= count,
                    None => received < limit,
                };
                let cursor = (!last).then_some(Cursor {
                    request,
                    offset: next,
                    limit,
                    read: read + 1,
                    max_pages,
                    previous: this,
                });
                Some((Ok(page), cursor))
            }
        }
    })
}

/// Every item of every page, requested as the stream is read.
pub(crate) fn items<'a, R: PageRequest + 'a>(
    request: R,
) -> impl Stream<Item = Result<R::Item>> + Send + 'a {
    pages(request).flat_map(|page| {
        let items: Vec<Result<R::Item>> = match page {
            Ok(page) => page.items.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        stream::iter(items)
    })
}
