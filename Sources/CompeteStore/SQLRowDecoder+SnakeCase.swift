import SQLKit

extension SQLRowDecoder {
    /// How every row type in this module is read: its camelCase properties name the snake_case
    /// columns (`organizerName` ⇄ `organizer_name`), so row types need no coding keys. SQLKit
    /// applies the conversion before it asks the driver for a column, so SQLite and PostgreSQL
    /// decode each column exactly as reading it by name would.
    static let snakeCase = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)
}
