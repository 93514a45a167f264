//! Builders for the operations progenitor cannot express, in progenitor's
//! own style (`client.op().arg(..).send()`), generated from the document:
//! method name, path, path parameters, body type and multipart fields come
//! from the operation `set_aside_hand_written_operations` kept verbatim.
//! Only the treatment is hand-written (`src/extras/`): the 207 outcome, the
//! multipart parts, the success that may have no body.

use super::{errors_doc, module_mut};
use crate::document::{Document, Operation, Schema};
use crate::model::{ident, method_name};
use crate::operations::Row;
use anyhow::{anyhow, bail, Context, Result};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::quote;

/// What the facade does with the response (or the body) progenitor cannot
/// express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Treatment {
    /// 2xx: every item succeeded (with the success's body, if it has one);
    /// 207: the per-item failures.
    Bulk { success: Option<String> },
    /// A multipart/form-data body; the successes carry nothing needed.
    Multipart,
    /// One success with a body, others without.
    OptionalBody { body: String },
}

/// The Rust type of a schema the generated `types` module holds: a
/// component `$ref`, or an array of one.
fn schema_type(schema: &Schema, types: &[String], context: &str) -> Result<TokenStream> {
    if let Some(name) = &schema.reference {
        if !types.iter().any(|t| t == name) {
            bail!("{context}: no type `{name}` in the generated `types`");
        }
        let name = ident(name, context)?;
        return Ok(quote!(crate::types::#name));
    }
    if schema.is("array") {
        let item = schema_type(
            schema.items.as_deref().unwrap_or(&Schema::default()),
            types,
            context,
        )?;
        return Ok(quote!(::std::vec::Vec<#item>));
    }
    bail!("{context}: an inline schema; only component `$ref`s (or arrays of them) are supported here")
}

/// Which treatment an operation set aside needs, from its shape.
pub fn treatment(op: &Operation, types: &[String], context: &str) -> Result<Treatment> {
    if op.responses.is_empty() {
        bail!("{context}: no responses");
    }
    let bulk = op.response("207").is_some();
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.is_success() && r.status != "207")
        .collect();
    if op.multipart().is_some() {
        if bulk || successes.iter().any(|r| r.json().is_some()) {
            bail!(
                "{context}: a multipart upload whose success has a body or a 207 has no treatment"
            );
        }
        return Ok(Treatment::Multipart);
    }
    let bodies: Vec<&Schema> = successes.iter().filter_map(|r| r.json()).collect();
    if bulk {
        let success = match bodies.as_slice() {
            [] => None,
            [one] => Some(schema_type(one, types, context)?.to_string()),
            _ => bail!("{context}: a bulk operation with several success bodies has no treatment"),
        };
        return Ok(Treatment::Bulk { success });
    }
    if bodies.len() == 1 && successes.len() > 1 {
        return Ok(Treatment::OptionalBody {
            body: schema_type(bodies[0], types, context)?.to_string(),
        });
    }
    bail!("{context}: set aside, but no hand-written treatment fits (not multipart, no 207, not one success with a body among bodiless ones)")
}

/// One argument of a hand-written builder.
struct Argument {
    field: syn::Ident,
    /// The value's type, as stored (without `Option`).
    ty: TokenStream,
    required: bool,
    setter: TokenStream,
}

/// Adds a `Client` method and a builder for every operation the document
/// model lists as set aside; returns how many.
pub fn add_builders(sdk: &mut syn::File, doc: &Document, rows: &[Row]) -> Result<usize> {
    let types = super::type_names(sdk);
    let mut methods: Vec<TokenStream> = Vec::new();
    let mut builders: Vec<TokenStream> = Vec::new();
    for entry in &doc.hand_written {
        let op = &entry.operation;
        let (published, context) = op.published()?;
        let rust_name = method_name(published);
        let row = rows
            .iter()
            .find(|r| r.rust_name == rust_name)
            .ok_or_else(|| anyhow!("{context}: not in the operations table"))?;
        // Every error names the operation once.
        let (method_tokens, builder_tokens) = builder(doc, op, &rust_name, row, &types, &context)
            .map_err(|e| {
            if e.to_string().starts_with(&context) {
                e
            } else {
                e.context(context.clone())
            }
        })?;
        methods.push(method_tokens);
        builders.push(builder_tokens);
    }
    let count = methods.len();
    if count == 0 {
        return Ok(0);
    }
    let client_impl: syn::Item = syn::parse2(quote! {
        impl Client {
            #(#methods)*
        }
    })
    .context("hand-written operations' methods do not parse")?;
    let position = sdk
        .items
        .iter()
        .position(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"))
        .ok_or_else(|| anyhow!("progenitor's output has no `builder` module"))?;
    sdk.items.insert(position, client_impl);
    let items: syn::File = syn::parse2(quote!(#(#builders)*))
        .context("hand-written operations' builders do not parse")?;
    module_mut(sdk, "builder")?.extend(items.items);
    Ok(count)
}

fn builder(
    doc: &Document,
    op: &Operation,
    rust_name: &str,
    row: &Row,
    types: &[String],
    context: &str,
) -> Result<(TokenStream, TokenStream)> {
    let treatment = treatment(op, types, context)?;
    let method_ident = ident(rust_name, context)?;
    let struct_ident = ident(&rust_name.to_upper_camel_case(), context)?;
    let http_method = ident(&op.method.to_uppercase(), context)?;
    let (mut arguments, path_args) = path_arguments(op, context)?;
    let body = body_arguments(doc, op, types, context)?;
    arguments.extend(body.arguments);
    let (template, format_args) = path_format(&op.path, &path_args)?;
    let (value_ty, finish) = returned(&treatment)?;
    let fields = arguments.iter().map(|a| {
        let Argument { field, ty, .. } = a;
        quote!(#field: ::std::option::Option<#ty>)
    });
    let field_names: Vec<&syn::Ident> = arguments.iter().map(|a| &a.field).collect();
    let setters = arguments.iter().map(|a| &a.setter);
    let checks = arguments.iter().filter(|a| a.required).map(|a| {
        let field = &a.field;
        let name = field.to_string();
        quote! {
            let #field = #field.ok_or_else(|| crate::extras::missing(#rust_name, #name))?;
        }
    });
    let body_call = body_call(&arguments, body.json, &body.form_parts);
    let docs = Docs::new(op, rust_name, row, &value_ty)?;
    let Docs {
        doc_text,
        builder_doc,
        send_doc,
        with_response_doc,
    } = docs;

    let client_method = quote! {
        #[doc = #doc_text]
        pub fn #method_ident(&self) -> builder::#struct_ident<'_> {
            builder::#struct_ident::new(self)
        }
    };
    let builder = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        pub struct #struct_ident<'a> {
            client: &'a super::Client,
            #(#fields,)*
        }
        impl<'a> #struct_ident<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self { client, #(#field_names: None,)* }
            }
            #(#setters)*
            #[doc = #send_doc]
            pub fn send(self) -> impl ::std::future::Future<Output = crate::Result<#value_ty>> + Send + 'a {
                crate::outcome::into_body(self.send_with_response())
            }
            #[doc = #with_response_doc]
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<Output = crate::Result<crate::Response<#value_ty>>> + Send + 'a {
                async move {
                    let Self { client, #(#field_names,)* } = self;
                    #(#checks)*
                    let path = format!(#template, #(#format_args),*);
                    let call = crate::extras::Call::new(client, #rust_name, ::reqwest::Method::#http_method, &path);
                    #body_call
                    call #finish .await
                }
            }
        }
    };
    Ok((client_method, builder))
}

/// A path parameter's name in the document and its field in the builder.
type PathParameter = (String, syn::Ident);

/// The arguments of a hand-written operation's path parameters (the only
/// parameters such operations may have), and each one's name and field.
fn path_arguments(op: &Operation, context: &str) -> Result<(Vec<Argument>, Vec<PathParameter>)> {
    let mut arguments: Vec<Argument> = Vec::new();
    let mut path_args: Vec<(String, syn::Ident)> = Vec::new();
    for param in &op.parameters {
        let name = &param.name;
        if param.location != "path" {
            bail!(
                "parameter {name}: only path parameters are supported on hand-written operations"
            );
        }
        let field = ident(&name.to_snake_case(), context)?;
        path_args.push((name.clone(), field.clone()));
        arguments.push(Argument {
            setter: quote! {
                pub fn #field(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.#field = Some(value.into());
                    self
                }
            },
            field,
            ty: quote!(::std::string::String),
            required: true,
        });
    }

    Ok((arguments, path_args))
}

/// A request body's arguments: one `body` for JSON, one per part for
/// multipart (with how each part is added to the form).
struct BodyArguments {
    arguments: Vec<Argument>,
    form_parts: Vec<TokenStream>,
    json: bool,
}

fn body_arguments(
    doc: &Document,
    op: &Operation,
    types: &[String],
    context: &str,
) -> Result<BodyArguments> {
    let mut arguments: Vec<Argument> = Vec::new();
    let mut form_parts: Vec<TokenStream> = Vec::new();
    let mut json_body = false;
    if let Some(schema) = op.json_body() {
        let ty = schema_type(schema, types, context)?;
        let message = format!(
            "conversion of the body to `{}` failed: {{}}",
            super::readable_type(&syn::parse2(ty.clone())?)
        );
        arguments.push(Argument {
            field: quote::format_ident!("body"),
            setter: quote! {
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: ::std::convert::TryInto<#ty>,
                    <V as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
                {
                    self.body = Some(value.try_into().map_err(|e| format!(#message, e)));
                    self
                }
            },
            ty: quote!(::std::result::Result<#ty, ::std::string::String>),
            required: op.body_required(),
        });
        json_body = true;
    } else if let Some(schema) = op.multipart().and_then(|m| m.schema.as_ref()) {
        multipart_arguments(doc, schema, types, context, &mut arguments, &mut form_parts)?;
    }
    Ok(BodyArguments {
        arguments,
        form_parts,
        json: json_body,
    })
}

/// A multipart body's arguments, one per part (the organization's part
/// excepted: the client's), and how each part is added to the form.
fn multipart_arguments(
    doc: &Document,
    schema: &Schema,
    types: &[String],
    context: &str,
    arguments: &mut Vec<Argument>,
    form_parts: &mut Vec<TokenStream>,
) -> Result<()> {
    let schema = match &schema.reference {
        Some(name) => doc
            .schema(name)
            .ok_or_else(|| anyhow!("multipart body: no component schema {name}"))?,
        None => schema,
    };
    for (name, written) in schema.properties() {
        let property = doc.resolve(written);
        if name == "organizationId" {
            // The tenant, like the `organization-id` header: the client's.
            form_parts.push(quote! {
                form = form.text(#name, client.organization_id().to_string());
            });
            continue;
        }
        let field = ident(&name.to_snake_case(), context)?;
        let is_required = schema.requires(name);
        let binary = property.format.as_deref() == Some("binary");
        let (ty, setter, part) = if binary {
            (
                quote!(crate::extras::Upload),
                quote! {
                    pub fn #field(mut self, upload: crate::extras::Upload) -> Self {
                        self.#field = Some(upload);
                        self
                    }
                },
                quote!(form = form.part(#name, value.into_part().await?);),
            )
        } else {
            let ty = match &written.reference {
                Some(_) => schema_type(written, types, context)?,
                None if property.is("string") => {
                    quote!(::std::string::String)
                }
                None => bail!(
                    "multipart field {name}: only strings, files and component types are supported"
                ),
            };
            (
                ty.clone(),
                quote! {
                    pub fn #field(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.#field = Some(value.into());
                        self
                    }
                },
                quote!(form = form.text(#name, value.to_string());),
            )
        };
        form_parts.push(if is_required {
            quote! { { let value = #field; #part } }
        } else {
            quote! { if let Some(value) = #field { #part } }
        });
        arguments.push(Argument {
            field,
            ty,
            required: is_required,
            setter,
        });
    }
    Ok(())
}

/// The path as a `format!` template, each parameter escaped as one segment.
fn path_format(path: &str, path_args: &[PathParameter]) -> Result<(String, Vec<TokenStream>)> {
    let mut template = String::new();
    let mut format_args: Vec<TokenStream> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| anyhow!("path {path}: unclosed `{{`"))?;
        template.push_str(&rest[..open]);
        template.push_str("{}");
        let name = &rest[open + 1..close];
        let field = path_args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
            .ok_or_else(|| anyhow!("path {path}: `{name}` is not a declared path parameter"))?;
        format_args.push(quote!(crate::extras::segment(&#field)));
        rest = &rest[close + 1..];
    }
    template.push_str(rest);

    Ok((template, format_args))
}

/// What `send()` returns for a treatment, and the call that decodes it.
fn returned(treatment: &Treatment) -> Result<(TokenStream, TokenStream)> {
    Ok(match treatment {
        Treatment::Bulk { success: None } => (quote!(crate::extras::BulkOutcome), quote!(.bulk())),
        Treatment::Bulk { success: Some(ty) } => {
            let ty: TokenStream = ty
                .parse()
                .map_err(|_| anyhow!("type {ty} does not parse"))?;
            (
                quote!(crate::extras::BulkOutcome<#ty>),
                quote!(.bulk_decoded::<#ty>()),
            )
        }
        Treatment::Multipart => (quote!(()), quote!(.empty())),
        Treatment::OptionalBody { body } => {
            let ty: TokenStream = body
                .parse()
                .map_err(|_| anyhow!("type {body} does not parse"))?;
            (
                quote!(::std::option::Option<#ty>),
                quote!(.optional_body::<#ty>()),
            )
        }
    })
}

/// The statements that put the body on the call.
fn body_call(arguments: &[Argument], json_body: bool, form_parts: &[TokenStream]) -> TokenStream {
    if json_body {
        let body_required = arguments.iter().any(|a| a.field == "body" && a.required);
        if body_required {
            quote! {
                let body = body.map_err(crate::Error::InvalidRequest)?;
                let call = call.json(&body);
            }
        } else {
            quote! {
                let call = match body {
                    Some(body) => call.json(&body.map_err(crate::Error::InvalidRequest)?),
                    None => call,
                };
            }
        }
    } else if !form_parts.is_empty() {
        quote! {
            let mut form = ::reqwest::multipart::Form::new();
            #(#form_parts)*
            let call = call.multipart(form);
        }
    } else {
        quote!()
    }
}

/// The docs of the client method, the builder and its two sends.
struct Docs {
    doc_text: String,
    builder_doc: String,
    send_doc: String,
    with_response_doc: String,
}

impl Docs {
    fn new(op: &Operation, rust_name: &str, row: &Row, value_ty: &TokenStream) -> Result<Docs> {
        let (method, path) = (&op.method, &op.path);
        let summary = op.summary.as_deref().unwrap_or_default();
        let description = op.description.as_deref().unwrap_or_default();
        let returns = super::returns_phrase(&super::readable_type(&syn::parse2(value_ty.clone())?));
        let reason = row.hand_written.as_deref().unwrap_or_default();
        let mut doc_text = String::new();
        for part in [summary, description] {
            if !part.trim().is_empty() {
                doc_text.push_str(part.trim());
                doc_text.push_str("\n\n");
            }
        }
        doc_text.push_str(&format!(
            "Sends a `{}` request to `{path}`.\n\n`.send()` returns {returns}; \
         `.send_with_response()` the same with status, headers and request id. \
         Its response handling is written by hand ({reason}).\n\n{}",
            method.to_uppercase(),
            errors_doc(row)
        ));
        let builder_doc =
            format!("Builder for [`Client::{rust_name}`](super::Client::{rust_name}).");
        let send_doc = format!(
            "Sends `{} {path}` and returns {returns}.\n\n{}",
            method.to_uppercase(),
            errors_doc(row)
        );
        let with_response_doc = format!(
        "Sends `{} {path}` and returns {returns} with the status, headers and request id.\n\n{}",
        method.to_uppercase(),
        errors_doc(row)
    );

        Ok(Docs {
            doc_text,
            builder_doc,
            send_doc,
            with_response_doc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `treatment` of an operation written as JSON.
    fn treatment(op: &serde_json::Value, types: &[String], context: &str) -> Result<Treatment> {
        let op = Operation::read(&json!({}), "/x", "post", op, "/paths/~1x/post");
        super::treatment(&op, types, context)
    }

    fn types() -> Vec<String> {
        vec!["Item".into(), "Created".into()]
    }

    #[test]
    fn treatments_follow_the_operations_shape() {
        let bulk = json!({"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "responses": {"204": {}, "207": {}}});
        assert_eq!(
            treatment(&bulk, &types(), "op").unwrap(),
            Treatment::Bulk { success: None }
        );
        let created = json!({"responses": {"201": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Created"}}}}}, "207": {}}});
        assert_eq!(
            treatment(&created, &types(), "op").unwrap(),
            Treatment::Bulk {
                success: Some(":: std :: vec :: Vec < crate :: types :: Created >".into())
            }
        );
        let upload = json!({"requestBody": {"content": {"multipart/form-data": {"schema": {}}}}, "responses": {"201": {}}});
        assert_eq!(
            treatment(&upload, &types(), "op").unwrap(),
            Treatment::Multipart
        );
        let two = json!({"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}}, "201": {}}});
        assert_eq!(
            treatment(&two, &types(), "op").unwrap(),
            Treatment::OptionalBody {
                body: "crate :: types :: Created".into()
            }
        );
    }

    #[test]
    fn a_shape_without_a_treatment_is_an_error_naming_the_operation() {
        let odd = json!({"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}}}});
        let err = treatment(&odd, &types(), "X_run (POST /x)")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("X_run (POST /x): set aside, but no hand-written treatment fits"),
            "{err}"
        );
        let inline = json!({"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}, "201": {}}});
        let err = treatment(&inline, &types(), "X_run (POST /x)")
            .unwrap_err()
            .to_string();
        assert!(err.contains("an inline schema"), "{err}");
        let unknown = json!({"responses": {"204": {}, "207": {}, "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}});
        let err = treatment(&unknown, &types(), "op").unwrap_err().to_string();
        assert_eq!(err, "op: no type `Nope` in the generated `types`");
    }
}
