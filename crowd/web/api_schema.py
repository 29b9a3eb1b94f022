"""The OpenAPI 3.1 document of the read API (served at /api/v1/openapi.json, shown at /api)."""

from __future__ import annotations

from typing import Any

NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
COUNT = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["<5"]}],
         "description": "A count, or \"<5\" where it is small (or hidden so that a small one cannot be worked out)"}  # fmt: skip
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _page_of(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["items", "next_cursor", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "next_cursor": {"type": ["string", "null"], "description": "Pass as ?cursor= for the next page"},
            "total": {"type": "integer", "minimum": 0},
        },
    }


SCHEMAS: dict[str, Any] = {
    "Error": ERROR,
    "VersionSummary": {
        "type": "object",
        "required": ["number", "title", "published_at", "foundations", "url"],
        "properties": {
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "published_at": {"type": ["string", "null"]},
            "foundations": {"type": "integer"},
            "url": {"type": "string"},
        },
    },
    "Outcome": {
        "type": "object",
        "required": ["key", "name", "definition", "unit", "direction", "baseline", "target"],
        "properties": {
            "key": {
                "type": "string",
                "description": "Use it to push values: foundation slug + -o + position",
            },
            "name": {"type": "string"},
            "definition": {"type": ["string", "null"]},
            "unit": {"type": "string", "enum": ["percentage", "count", "rate", "yes_no", "scale"]},
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            "baseline": NUMBER_OR_NULL,
            "target": NUMBER_OR_NULL,
            "period": {"type": ["string", "null"]},
            "data_source": {"type": ["string", "null"]},
        },
    },
    "Version": {
        "type": "object",
        "required": ["number", "title", "preamble", "foundations"],
        "properties": {
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "published_at": {"type": ["string", "null"]},
            "url": {"type": "string"},
            "preamble": {"type": "string"},
            "foundations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "title", "statement", "looks_like", "how_to_achieve", "outcomes"],
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "statement": {"type": "string"},
                        "looks_like": {"type": "string"},
                        "how_to_achieve": {"type": "string"},
                        "outcomes": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
                    },
                },
            },
        },
    },
    "Signatory": {
        "type": "object",
        "required": ["id", "organisation", "organisation_type", "borough", "signed_by", "signed_at"],
        "properties": {
            "id": {"type": "integer"},
            "organisation": {"type": "string"},
            "organisation_type": {"type": "string"},
            "borough": {"type": "string"},
            "signed_by": {"type": "string"},
            "signed_at": {"type": "string"},
        },
    },
    "BenchmarkRow": {
        "type": "object",
        "required": ["outcome", "organisation", "borough", "period", "value", "rag"],
        "properties": {
            "foundation": {"type": "string"},
            "outcome": {"type": "string"},
            "unit": {"type": "string"},
            "direction": {"type": "string"},
            "baseline": NUMBER_OR_NULL,
            "target": NUMBER_OR_NULL,
            "signatory_id": {"type": ["integer", "null"]},
            "organisation": {"type": "string"},
            "organisation_type": {"type": "string"},
            "borough": {"type": "string"},
            "period": {"type": "string"},
            "value": {
                "type": "string",
                "description": "As shown on the benchmark page, e.g. 60% or Partly met",
            },
            "rag": {"type": "string", "enum": ["green", "amber", "red", "none"]},
        },
    },
    "Theme": {
        "type": "object",
        "required": ["id", "name", "size", "support_by_role", "quotes"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "keywords": {"type": "array", "items": {"type": "string"}},
            "size": COUNT,
            "also_touches": COUNT,
            "support_by_role": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"voters": COUNT, "agree_share": NUMBER_OR_NULL},
                },
            },
            "quotes": {
                "type": "array",
                "description": "Only from people who agreed to be quoted",
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "role": {"type": "string"},
                        "name": {"type": "string"},
                    },
                },
            },
        },
    },
    "Engagement": {
        "type": "object",
        "required": ["title", "suppressed_below", "participants_by_role"],
        "properties": {
            "title": {"type": "string"},
            "generated_at": {"type": "string"},
            "suppressed_below": {"type": "integer"},
            **{
                key: {
                    "type": "object",
                    "properties": {
                        "counts": {"type": "object", "additionalProperties": COUNT},
                        "total": COUNT,
                    },
                }
                for key in (
                    "participants_by_role",
                    "participants_by_org_type",
                    "participants_by_borough",
                    "contributions_by_stream",
                    "contributions_by_section",
                    "poll",
                )  # fmt: skip
            },
        },
    },
    "AssessmentPush": {
        "type": "object",
        "required": ["period", "values"],
        "properties": {
            "period": {"type": "string", "examples": ["2026 Q4"]},
            "values": {
                "type": "array",
                "minItems": 1,
                "maxItems": 200,
                "items": {
                    "type": "object",
                    "required": ["outcome"],
                    "properties": {
                        "outcome": {"type": "string", "examples": ["get-personal-o1"]},
                        "value": {"type": ["number", "string", "null"]},
                        "status": {"type": ["string", "null"], "enum": ["met", "partly", "not_yet", None]},
                        "evidence": {"type": "string"},
                    },
                },
            },
        },
    },
    "AssessmentSaved": {
        "type": "object",
        "required": ["signatory_id", "period", "saved"],
        "properties": {
            "signatory_id": {"type": "integer"},
            "period": {"type": "string"},
            "saved": {"type": "array", "items": {"type": "object"}},
        },
    },
}

PAGING = [
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^c[0-9]{1,9}$"},
     "description": "The next_cursor of the previous page"},
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]  # fmt: skip
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,80}$"},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _get(summary: str, schema: dict, *, params: list, token: bool = False) -> dict:
    responses = {
        "200": _json(schema, "OK"),
        "304": {"description": "Not modified (the If-None-Match ETag is current)"},
        "404": _json(_ref("Error"), "No such version or workshop"),
        "422": _json(_ref("Error"), "A query parameter is not usable"),
        "429": _json(_ref("Error"), "Too many requests"),
    }
    operation: dict[str, Any] = {"summary": summary, "parameters": params, "responses": responses}
    if token:
        responses["401"] = _json(_ref("Error"), "No token, or an unknown, expired or revoked one")
        responses["403"] = _json(_ref("Error"), "The token lacks the scope")
        operation["security"] = [{"token": []}]
    return {"get": operation}


def openapi_document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "crowd read API",
            "version": "1",
            "description": "Published declarations, outcomes, signatories and the benchmark (public); theme "
            "summaries and engagement figures (token with scope read); pushing assessment values (token with "
            "scope write:assessments). Small counts are shown as \"<5\".",
        },
        "servers": [{"url": base_url.rstrip("/") + "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "A crowd API token"}},
        },
        "paths": {
            "/declarations": _get("Published declaration versions, newest first", _page_of(_ref("VersionSummary")),
                                  params=PAGING),
            "/declarations/{number}": _get("One published version with its foundations and outcomes", _ref("Version"),
                                           params=[NUMBER]),
            "/declarations/{number}/signatories": _get("Organisations signed up to the version",
                                                       _page_of(_ref("Signatory")), params=[NUMBER, *PAGING]),
            "/declarations/{number}/benchmark": _get(
                "Every recorded value per outcome, organisation and period, rated against the target",
                _page_of(_ref("BenchmarkRow")), params=[NUMBER, *PAGING]),
            "/workshops/{slug}/themes": _get("Anonymised theme summaries of a workshop", _page_of(_ref("Theme")),
                                             params=[SLUG, *PAGING], token=True),
            "/workshops/{slug}/engagement": _get("Who took part in a workshop, small counts suppressed",
                                                 _ref("Engagement"), params=[SLUG], token=True),
            "/engagement": _get("Who took part across every workshop, small counts suppressed", _ref("Engagement"),
                                params=[], token=True),
            "/assessments": {
                "post": {
                    "summary": "Record values for a period, for the token's organisation (all or nothing)",
                    "security": [{"token": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("AssessmentPush")}}},
                    "responses": {
                        "201": _json(_ref("AssessmentSaved"), "Recorded"),
                        "400": _json(_ref("Error"), "Not JSON"),
                        "401": _json(_ref("Error"), "No token, or an unknown, expired or revoked one"),
                        "403": _json(_ref("Error"), "The token lacks the scope write:assessments"),
                        "404": _json(_ref("Error"), "The organisation or its version no longer exists"),
                        "413": _json(_ref("Error"), "The body is too large"),
                        "415": _json(_ref("Error"), "Not application/json"),
                        "422": _json(_ref("Error"), "A field is wrong: error.field names it"),
                        "429": _json(_ref("Error"), "Too many requests"),
                    },
                }
            },
        },
    }  # fmt: skip
