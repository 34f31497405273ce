//! Multi-row `INSERT ... VALUES (...), (...)` for the writes that come many rows at a time
//! (the engine's incidents, signal links and journal lines): one statement for up to [`ROWS`] rows
//! instead of one each. Rows go in chunks of a few fixed sizes, so that each connection
//! prepares few distinct statements.

use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection};

use crate::StoreError;

/// A statement being bound, on the `Any` driver.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// Row counts of the statements, largest first; the last must be 1.
const ROWS: [usize; 3] = [64, 8, 1];

/// `rows` cut into chunks of the sizes in [`ROWS`], largest first.
fn chunks<T>(mut rows: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = ROWS.into_iter().find(|&n| n <= rows.len())?;
        let (chunk, rest) = rows.split_at(size);
        rows = rest;
        Some(chunk)
    })
}

/// `head` then `rows` groups of `cols` placeholders (`($1, $2), ($3, $4)`), then `tail`.
fn values(head: &str, cols: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 5);
    sql.push_str(head);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

/// Inserts `rows`, a few per statement: `head` names the table and its `cols` columns (up to
/// `VALUES `), `bind` binds one row's values in that order, `tail` follows the values (an
/// `ON CONFLICT` clause, or nothing).
pub(crate) async fn insert<T>(
    conn: &mut AnyConnection,
    head: &str,
    cols: usize,
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<(), StoreError> {
    for chunk in chunks(rows) {
        let sql = values(head, cols, chunk.len(), tail);
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_few_chunk_sizes_and_none_is_lost() {
        let rows: Vec<u32> = (0..83).collect();
        let sizes: Vec<usize> = chunks(&rows).map(<[u32]>::len).collect();
        assert_eq!(sizes, [64, 8, 8, 1, 1, 1]);
        assert_eq!(chunks(&rows).flatten().copied().collect::<Vec<_>>(), rows);
        assert_eq!(chunks::<u32>(&[]).count(), 0);
    }

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(
            values("INSERT INTO t (a, b) VALUES ", 2, 2, " ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }
}
