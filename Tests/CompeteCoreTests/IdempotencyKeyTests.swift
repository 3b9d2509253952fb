import CompeteCore
import Testing

@Suite struct IdempotencyKeyTests {
    @Test(arguments: ["a", "abc-123", "550e8400-e29b-41d4-a716-446655440000", "!~#$%&'*+.^_`|", String(repeating: "x", count: 255)])
    func acceptsVisibleASCII(raw: String) throws {
        #expect(try IdempotencyKey(header: raw).value == raw)
    }

    @Test func quotedFormMeansItsContent() throws {
        #expect(try IdempotencyKey(header: "\"abc\"").value == "abc")
        #expect(try IdempotencyKey(header: "\"with space\"").value == "with space")
        #expect(try IdempotencyKey(header: #""say \"hi\" \\ ok""#).value == #"say "hi" \ ok"#)
    }

    @Test(arguments: ["", " ", "has space", "tab\tinside", "ключ", "é", String(repeating: "x", count: 256),
                      "\"", "\"open", "\"\"", "\"a\"b\"", #""bad \n escape""#, "\"trailing\\\""])
    func rejectsEverythingElse(raw: String) {
        #expect(throws: DomainError.idempotencyKeyInvalid) { try IdempotencyKey(header: raw) }
    }
}
