//! A document route's query string checked against its declared parameters, as a strict
//! server would: a required parameter must be there, and a parameter declared in a joined or
//! a deep-object style must come in that style (`ids=1,2`, not `ids=1&ids=2`; `filter[a]=1`,
//! not `filter=..`), so that a client writing the wrong style is refused, not half understood.
//!
//! Values are not checked against their schemas.

use oauth_codegen::{operations::QueryStyle, sample::QueryParam};

use crate::http::Form;

/// Whether `query` (the request's query string) sends `declared` as the document declares them;
/// the fault, for a `400 invalid_request` that names it, when it does not.
pub(crate) fn check(operation: &str, declared: &[QueryParam], query: Option<&str>) -> Result<(), String> {
    let sent = Form::parse(query.unwrap_or("").as_bytes());
    for param in declared {
        let name = param.name.as_str();
        let bare = sent.names().filter(|n| *n == name).count();
        let deep = sent.names().any(|n| n.strip_prefix(name).is_some_and(|rest| rest.starts_with('[')));
        let fault = match param.style {
            Some(QueryStyle::DeepObject) if bare > 0 => {
                Some(format!("`{operation}` takes `{name}` as `{name}[key]=value` pairs (style deepObject)"))
            }
            Some(QueryStyle::DeepObject) if param.required && !deep => {
                Some(format!("`{operation}` requires the query parameter `{name}` (`{name}[key]=value` pairs)"))
            }
            Some(style @ (QueryStyle::Comma | QueryStyle::Space | QueryStyle::Pipe)) if bare > 1 => Some(format!(
                "`{operation}` takes `{name}` once, its values joined by {}",
                match style {
                    QueryStyle::Comma => "commas (style form, explode false)",
                    QueryStyle::Space => "spaces (style spaceDelimited)",
                    _ => "pipes (style pipeDelimited)",
                }
            )),
            Some(QueryStyle::DeepObject) => None,
            // An exploded object's fields are sent under their own names.
            Some(QueryStyle::Repeated) if param.object => None,
            _ if param.required && bare == 0 => Some(format!("`{operation}` requires the query parameter `{name}`")),
            _ => None,
        };
        if let Some(fault) = fault {
            return Err(fault);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use oauth_codegen::{operations::QueryStyle, sample};

    use super::check;

    fn declared() -> Vec<sample::QueryParam> {
        let doc = r#"{"openapi": "3.1.0", "paths": {"/i": {"get": {"operationId": "list", "parameters": [
            {"name": "ids", "in": "query", "required": true, "explode": false, "schema": {"type": "array"}},
            {"name": "tags", "in": "query", "style": "pipeDelimited", "schema": {"type": "array"}},
            {"name": "filter", "in": "query", "required": true, "style": "deepObject", "schema": {"type": "object"}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok"}}}}}}"#;
        let routes = sample::routes(doc, "doc.json").unwrap();
        let query = routes.get("list").unwrap().query.clone();
        assert_eq!(query[1].style, Some(QueryStyle::Pipe));
        query
    }

    fn fault(query: &str) -> Option<String> {
        check("list", &declared(), Some(query)).err()
    }

    #[test]
    fn parameters_are_taken_in_their_declared_styles() {
        assert_eq!(fault("ids=1,2&filter[status]=open&tags=a|b&page=2"), None);
        assert_eq!(fault("ids=1&filter[owner][id]=7"), None, "optional ones may be left out");
        let refusals = [
            ("filter[status]=open", "`list` requires the query parameter `ids`"),
            ("ids=1&ids=2&filter[a]=1", "takes `ids` once, its values joined by commas"),
            ("ids=1&filter[a]=1&tags=a&tags=b", "joined by pipes"),
            ("ids=1&filter=status,open", "takes `filter` as `filter[key]=value` pairs"),
            ("ids=1", "requires the query parameter `filter` (`filter[key]=value` pairs)"),
        ];
        for (query, why) in refusals {
            let fault = fault(query).unwrap_or_else(|| panic!("{query} is refused"));
            assert!(fault.contains(why), "{query}: {fault}");
        }
    }
}
