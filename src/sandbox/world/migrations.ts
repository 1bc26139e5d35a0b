/** The services' SQL migrations: additive, as a careful team writes them. */
export const MIGRATIONS = {
  catalog: {
    '0001_create_books.sql': `-- Migration: create the books table
CREATE TABLE books (
  id          bigserial PRIMARY KEY,
  isbn        text NOT NULL,
  title       text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
`,
    '0002_create_authors.sql': `CREATE TABLE authors (
  id   bigserial PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE book_authors (
  book_id   bigint NOT NULL REFERENCES books (id),
  author_id bigint NOT NULL REFERENCES authors (id),
  PRIMARY KEY (book_id, author_id)
);
`,
    '0003_add_isbn_index.sql': `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS books_isbn_key ON books (isbn);
`,
    '0004_add_book_formats.sql': `-- Rollback-safe: new table, old binaries never read it.
CREATE TABLE book_formats (
  book_id bigint NOT NULL REFERENCES books (id),
  format  text   NOT NULL,
  PRIMARY KEY (book_id, format)
);
`,
    '0005_add_search_vector.sql': `-- Rollback-safe: nullable column, backfilled by a job.
ALTER TABLE books ADD COLUMN search_vector tsvector;
CREATE INDEX CONCURRENTLY IF NOT EXISTS books_search_vector_idx ON books USING gin (search_vector);
`,
  },
  orders: {
    '0001_create_orders.sql': `CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  total_cents integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
`,
    '0002_create_order_items.sql': `CREATE TABLE order_items (
  order_id bigint  NOT NULL REFERENCES orders (id),
  book_id  bigint  NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, book_id)
);
`,
    '0003_add_order_status.sql': `ALTER TABLE orders ADD COLUMN status text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
`,
  },
  payments: {
    '0001_create_payments.sql': `CREATE TABLE payments (
  id           bigserial PRIMARY KEY,
  order_id     bigint  NOT NULL,
  amount_cents integer NOT NULL,
  state        text    NOT NULL DEFAULT 'pending',
  created_at   timestamptz NOT NULL DEFAULT now()
);
`,
    '0002_add_idempotency_keys.sql': `CREATE TABLE idempotency_keys (
  key        text PRIMARY KEY,
  payment_id bigint REFERENCES payments (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
    '0003_add_refund_reason.sql': `ALTER TABLE payments ADD COLUMN refund_reason text;
`,
  },
} as const;
