import CompeteCore
import Vapor

/// RFC 9457 problem details. `code` is the stable part clients branch on.
public struct Problem: Encodable, Sendable {
    let type: String
    public let title: String
    public let status: Int
    public let detail: String
    public let code: String
    public let errors: [FieldError]?
    /// `registration_not_open`: when it opens, for clients that count down to it.
    public private(set) var opensAt: Date? = nil

    init(status: HTTPResponseStatus, code: String, title: String, detail: String, errors: [FieldError]? = nil) {
        self.type = "https://mini-compete.dev/problems/\(code)"
        self.title = title
        self.status = Int(status.code)
        self.detail = detail
        self.code = code
        self.errors = errors
    }

    /// Extra headers a problem carries (`Retry-After`).
    public internal(set) var retryAfter: Int? = nil

    private enum CodingKeys: String, CodingKey { case type, title, status, detail, code, errors, opensAt }

    var stored: StoredResponse {
        StoredResponse(status: status, contentType: "application/problem+json", body: APIJSON.encode(self))
    }

    func response() -> Response {
        let response = Response.stored(stored)
        if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return response
    }
}

extension Problem {
    /// The problem a domain error is reported as; the web UI shows the same wording.
    public init(_ error: DomainError) {
        switch error {
        case .validation(let errors):
            let summary = errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            self.init(status: .badRequest, code: "validation_failed", title: "Invalid request", detail: summary, errors: errors)
        case .emailTaken:
            self.init(status: .conflict, code: "email_taken", title: "Email already registered",
                      detail: "An account with this email already exists.")
        case .invalidCredentials:
            self.init(status: .unauthorized, code: "invalid_credentials", title: "Invalid credentials",
                      detail: "The email or password is incorrect.")
        case .rateLimited(let seconds):
            self.init(status: .tooManyRequests, code: "rate_limited", title: "Too many attempts",
                      detail: "Too many attempts from you in a short time. Try again in \(seconds) seconds.")
            retryAfter = seconds
        case .unauthenticated:
            self.init(status: .unauthorized, code: "unauthorized", title: "Authentication required",
                      detail: "Send a valid bearer token in the Authorization header.")
        case .forbidden(let reason):
            self.init(status: .forbidden, code: "forbidden", title: "Forbidden", detail: "Not allowed: \(reason).")
        case .notFound:
            self.init(status: .notFound, code: "not_found", title: "Not found", detail: "No such resource.")
        case .alreadyRegistered:
            self.init(status: .conflict, code: "already_registered", title: "Already registered",
                      detail: "You are already registered for this competition.")
        case .competitionFull:
            self.init(status: .conflict, code: "competition_full", title: "Competition full",
                      detail: "Every seat of this competition is taken.")
        case .registrationClosed:
            self.init(status: .conflict, code: "registration_closed", title: "Registration closed",
                      detail: "The registration deadline of this competition has passed.")
        case .registrationNotOpen(let opensAt, let zone):
            let local = zone.isUTC ? "" : " (\(LocalTime.short(opensAt, in: zone)), \(zone.identifier))"
            self.init(status: .conflict, code: "registration_not_open", title: "Registration not open yet",
                      detail: "Registration for this competition opens at \(opensAt.formatted(.iso8601))\(local).")
            self.opensAt = opensAt
        case .notRegistered:
            self.init(status: .notFound, code: "not_registered", title: "Not registered",
                      detail: "You have no active registration for this competition.")
        case .capacityBelowRegistered(let registered):
            self.init(status: .conflict, code: "capacity_below_registered", title: "Capacity too low",
                      detail: "Capacity cannot be lower than the \(registered) seats already taken.")
        case .questionsLocked(let reason):
            self.init(status: .conflict, code: "questions_locked", title: "Questions locked",
                      detail: "This change would invalidate answers already given: \(reason).")
        case .registrationNotPending:
            self.init(status: .conflict, code: "registration_not_pending", title: "Registration not pending",
                      detail: "This registration is no longer waiting for a decision (it was cancelled or decided otherwise).")
        case .idempotencyKeyInvalid:
            self.init(status: .badRequest, code: "idempotency_key_invalid", title: "Invalid Idempotency-Key",
                      detail: "Idempotency-Key must be 1–255 visible ASCII characters (or an RFC 8941 quoted string).")
        case .idempotencyKeyReused:
            self.init(status: .unprocessableEntity, code: "idempotency_key_reused", title: "Idempotency-Key reused",
                      detail: "This Idempotency-Key was already used for a different request.")
        case .temporarilyUnavailable(let seconds):
            self.init(status: .serviceUnavailable, code: "temporarily_unavailable", title: "Temporarily unavailable",
                      detail: "A service this request needs is unavailable or busy; please retry shortly.")
            retryAfter = seconds
        case .idempotencyRequestInProgress(let seconds):
            self.init(status: .conflict, code: "idempotency_request_in_progress", title: "Request in progress",
                      detail: "A request with this Idempotency-Key is still being processed; retry shortly.")
            retryAfter = seconds
        }
    }

    /// Errors raised by Vapor itself (routing, body limits).
    init(abort status: HTTPResponseStatus, reason: String) {
        switch status {
        case .notFound:
            self.init(status: status, code: "not_found", title: "Not found", detail: "No such resource.")
        case .payloadTooLarge:
            self.init(status: status, code: "payload_too_large", title: "Request body too large",
                      detail: "Request bodies are limited to 64 KiB.")
        case .methodNotAllowed:
            self.init(status: status, code: "method_not_allowed", title: "Method not allowed", detail: reason)
        default:
            self.init(status: status, code: status.code < 500 ? "bad_request" : "internal_error",
                      title: status.reasonPhrase, detail: status.code < 500 ? reason : "Something went wrong on our side.")
        }
    }
}

/// Turns every error into problem+json; anything unexpected is a logged 500 that leaks nothing.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as DomainError {
            return Problem(error).response()
        } catch let error as any AbortError {
            if error.status.code >= 500 {
                request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return Problem(abort: error.status, reason: error.reason).response()
        } catch {
            request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(abort: .internalServerError, reason: "").response()
        }
    }
}
