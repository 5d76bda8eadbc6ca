//! Rendering `Dockerfile.j2` templates with minijinja, with Kolla's override
//! model: an operator's override file `{% extends parent_template %}` and
//! replaces named blocks (`{% block nova_api_footer %}`) of whichever
//! image is rendered; blocks an image does not have are ignored. Several
//! override files are concatenated, their `extends` lines dropped after the
//! first, as `kolla-build` does.
//!
//! ```
//! use kolla_core::build::render::{Renderer, RenderVars};
//! use kolla_core::build::tree::{ImageDef, ImageTree};
//! let tree = ImageTree::new(vec![ImageDef::new(
//!     "keystone", None,
//!     "FROM {{ base_distro }}\n{% block keystone_footer %}{% endblock %}\n",
//! )]).unwrap();
//! let over = "{% extends parent_template %}\n{% block keystone_footer %}RUN echo hi{% endblock %}\n";
//! let r = Renderer::new(&tree, &[("o.j2".into(), over.into())]).unwrap();
//! let vars = RenderVars { base_distro: "debian".into(), ..Default::default() };
//! assert_eq!(r.render(&tree, "keystone", &vars).unwrap(), "FROM debian\nRUN echo hi");
//! ```

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Serialize;

use super::tree::ImageTree;
use super::Error;

/// The name the joined override files are known by.
const OVERRIDE: &str = "template-override.j2";

/// The variables every Dockerfile template sees (beside `image_name`,
/// `parent_image` and `parent_template`, set per image).
#[derive(Debug, Clone, Serialize)]
pub struct RenderVars {
    /// Image namespace, `kolla`.
    pub namespace: String,
    /// Image tag.
    pub tag: String,
    /// The base distro, `debian` (Kolla's `base`).
    pub base_distro: String,
    /// The maintainer label.
    pub maintainer: String,
    /// Anything else (`-e`-like extra variables).
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Default for RenderVars {
    fn default() -> Self {
        RenderVars {
            namespace: "kolla".into(),
            tag: "latest".into(),
            base_distro: "debian".into(),
            maintainer: "kolla-rs".into(),
            extra: BTreeMap::new(),
        }
    }
}

impl RenderVars {
    /// The reference of image `name`: `NAMESPACE/NAME:TAG`.
    pub fn image_ref(&self, name: &str) -> String {
        format!("{}/{}:{}", self.namespace, name, self.tag)
    }
}

/// Every image template plus the overrides, parsed once.
pub struct Renderer {
    env: Environment<'static>,
    has_override: bool,
}

fn template_name(image: &str) -> String {
    format!("{image}/Dockerfile.j2")
}

fn jinja_error(image: &str, e: &minijinja::Error) -> Error {
    let at = match (e.name(), e.line()) {
        (Some(n), Some(l)) => format!("{n}:{l}: "),
        (Some(n), None) => format!("{n}: "),
        _ => String::new(),
    };
    let mut message = format!("{at}{}", e.kind());
    if let Some(d) = e.detail() {
        message.push_str(": ");
        message.push_str(d);
    }
    Error::Template {
        image: image.into(),
        message,
    }
}

/// Joins override files as `kolla-build` does: the first whole, the others
/// without their `{% extends %}` lines.
pub fn join_overrides(overrides: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (_, text)) in overrides.iter().enumerate() {
        if i == 0 {
            out.push_str(text);
            continue;
        }
        for line in text.split_inclusive('\n') {
            let is_extends = line.contains("{%") && line.contains("extends");
            if !is_extends {
                out.push_str(line);
            }
        }
    }
    out
}

impl Renderer {
    /// Parses every template of `tree` and the override files (`(path,
    /// text)` pairs).
    ///
    /// # Errors
    /// [`Error::Template`] for a template or override that does not parse.
    pub fn new(tree: &ImageTree, overrides: &[(String, String)]) -> Result<Self, Error> {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(false);
        for name in tree.names() {
            let def = tree.get(name).expect("names are in the tree");
            env.add_template_owned(template_name(name), def.template.clone())
                .map_err(|e| jinja_error(name, &e))?;
        }
        if !overrides.is_empty() {
            let names: Vec<&str> = overrides.iter().map(|(p, _)| p.as_str()).collect();
            env.add_template_owned(OVERRIDE, join_overrides(overrides))
                .map_err(|e| jinja_error(&names.join(", "), &e))?;
        }
        Ok(Renderer {
            env,
            has_override: !overrides.is_empty(),
        })
    }

    /// Renders image `name`'s Dockerfile.
    ///
    /// # Errors
    /// [`Error::Template`] naming the template file and line.
    pub fn render(&self, tree: &ImageTree, name: &str, vars: &RenderVars) -> Result<String, Error> {
        let def = tree
            .get(name)
            .ok_or_else(|| Error::UnknownImage { image: name.into() })?;
        let parent_image = def.parent.as_deref().map(|p| vars.image_ref(p));
        let ctx = minijinja::context! {
            image_name => name,
            parent_image => parent_image,
            parent_template => template_name(name),
            ..minijinja::Value::from_serialize(vars)
        };
        let which = if self.has_override {
            OVERRIDE.to_string()
        } else {
            template_name(name)
        };
        let tpl = self
            .env
            .get_template(&which)
            .map_err(|e| jinja_error(name, &e))?;
        tpl.render(ctx).map_err(|e| jinja_error(name, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::tree::ImageDef;

    fn tree() -> ImageTree {
        ImageTree::new(vec![
            ImageDef::new(
                "base",
                None,
                "FROM {{ base_distro }}\n{% block base_footer %}{% endblock %}\n{% block footer %}{% endblock %}\n",
            ),
            ImageDef::new(
                "nova-api",
                Some("base"),
                "FROM {{ parent_image }}\nLABEL name=\"{{ image_name }}\"\n{% block nova_api_footer %}{% endblock %}\n{% block footer %}{% endblock %}\n",
            ),
        ])
        .unwrap()
    }

    #[test]
    fn overrides_replace_named_blocks_of_each_image() {
        let t = tree();
        let o1 =
            "{% extends parent_template %}\n{% block nova_api_footer %}RUN api{% endblock %}\n";
        let o2 = "{% extends parent_template %}\n{% block footer %}RUN all{% endblock %}\n";
        let r = Renderer::new(&t, &[("1".into(), o1.into()), ("2".into(), o2.into())]).unwrap();
        let v = RenderVars {
            namespace: "ns".into(),
            tag: "t".into(),
            ..Default::default()
        };
        assert_eq!(
            r.render(&t, "nova-api", &v).unwrap(),
            "FROM ns/base:t\nLABEL name=\"nova-api\"\nRUN api\nRUN all"
        );
        assert_eq!(r.render(&t, "base", &v).unwrap(), "FROM debian\n\nRUN all");
        let plain = Renderer::new(&t, &[]).unwrap();
        assert_eq!(plain.render(&t, "base", &v).unwrap(), "FROM debian\n\n");
    }

    #[test]
    fn errors_name_the_template_and_line() {
        let t = ImageTree::new(vec![ImageDef::new("x", None, "FROM a\n{{ 1 + }}\n")]);
        let e = Renderer::new(&t.unwrap(), &[]).err().unwrap();
        assert!(e.to_string().contains("x/Dockerfile.j2:2"), "{e}");
    }
}
