-- Sample data of the fleet's shop database (idempotent).
CREATE TABLE IF NOT EXISTS products (
    id      integer PRIMARY KEY,
    name    text NOT NULL,
    price   numeric(10, 2) NOT NULL CHECK (price >= 0)
);
CREATE TABLE IF NOT EXISTS orders (
    id          integer PRIMARY KEY,
    product_id  integer NOT NULL REFERENCES products (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO products (id, name, price) VALUES
    (1, 'Espresso beans 1kg', 24.90),
    (2, 'Grinder', 129.00),
    (3, 'Milk jug', 14.50)
ON CONFLICT (id) DO NOTHING;
INSERT INTO orders (id, product_id, quantity) VALUES
    (1, 1, 2),
    (2, 2, 1),
    (3, 3, 4),
    (4, 1, 1)
ON CONFLICT (id) DO NOTHING;
