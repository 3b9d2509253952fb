import Foundation

// Hand-written bodies of the responses served most; keys in sorted order (see JSONWriter).

extension CompetitionResponse: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{"); json.key("capacity"); json.int(capacity)
        json.raw(","); json.key("createdAt"); json.date(createdAt)
        json.raw(","); json.key("description"); json.string(description)
        json.raw(","); json.key("id"); json.string(id)
        json.raw(","); json.key("opensAt"); json.date(opensAt.value)
        json.raw(","); json.key("organizer")
        json.raw("{"); json.key("id"); json.string(organizer.id)
        json.raw(","); json.key("name"); json.string(organizer.name); json.raw("}")
        json.raw(","); json.key("questions")
        // Rare and small: written by the encoder it must match.
        if questions.isEmpty { json.raw("[]") } else { json.encoded(questions) }
        json.raw(","); json.key("regDeadline"); json.date(regDeadline)
        json.raw(","); json.key("registeredCount"); json.int(registeredCount)
        json.raw(","); json.key("requiresApproval"); if requiresApproval { json.raw("true") } else { json.raw("false") }
        json.raw(","); json.key("rules"); if let rules = rules.value { json.string(rules) } else { json.raw("null") }
        json.raw(","); json.key("seatsLeft"); json.int(seatsLeft)
        json.raw(","); json.key("startDate"); json.date(startDate)
        json.raw(","); json.key("status"); json.string(status.rawValue)
        json.raw(","); json.key("tags"); json.strings(tags)
        json.raw(","); json.key("timezone"); json.string(timezone)
        json.raw(","); json.key("title"); json.string(title)
        json.raw(","); json.key("updatedAt"); json.date(updatedAt)
        json.raw(","); json.key("waitlistCapacity"); json.int(waitlistCapacity)
        json.raw(","); json.key("waitlistCount"); json.int(waitlistCount)
        json.raw("}")
    }
}

extension PageResponse: JSONWritable where Item: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{"); json.key("items"); json.array(items)
        json.raw(","); json.key("limit"); json.int(limit)
        json.raw(","); json.key("page"); json.int(page)
        json.raw(","); json.key("total"); json.int(total)
        json.raw("}")
    }
}

extension RegistrationResponse: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.raw("{"); json.key("competitionId"); json.string(competitionId)
        if let position {
            json.raw(","); json.key("position"); json.int(position)
        }
        json.raw(","); json.key("registeredAt"); json.date(registeredAt)
        json.raw(","); json.key("registrationId"); json.string(registrationId)
        json.raw(","); json.key("status"); json.string(status.rawValue)
        json.raw("}")
    }
}
