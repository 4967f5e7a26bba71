//! The core's module graph, read from its source: dependencies point one way.
//!
//! Every `crate::…`, `super::…` and `self::…` path outside a `#[cfg(test)]`
//! module is an edge from the module that writes it to the deepest module the path
//! names. The tests fail on any cycle (two modules that import each other hide a
//! third concept between them) and on an edge against the layering DESIGN.md draws.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside the crate, `["analysis", "fold", "owners"]`.
type Module = Vec<String>;

/// Every module of the crate's `src/`, by path, with its source (tests cut off).
fn modules() -> BTreeMap<Module, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).expect("under src/");
            let mut module: Module = relative
                .with_extension("")
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(end) => text[..end].to_owned(),
                None => text,
            };
            (module, code)
        })
        .collect()
}

/// The module edges of the crate: (importer, imported), never a module to its own ancestor.
fn edges(modules: &BTreeMap<Module, String>) -> BTreeSet<(Module, Module)> {
    let mut edges = BTreeSet::new();
    for (me, code) in modules {
        for line in code.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for (start, _) in line.match_indices("::") {
                let head_start = line[..start]
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |i| i + 1);
                let head = &line[head_start..start];
                if head_start > 1 && &line[head_start - 2..head_start] == "::" {
                    continue; // the middle of a longer path
                }
                let mut base: Module = match head {
                    "crate" => Vec::new(),
                    "self" => me.clone(),
                    "super" => me[..me.len().saturating_sub(1)].to_vec(),
                    _ => continue,
                };
                let mut rest = line[start + 2..]
                    .split("::")
                    .map(|s| s.trim_start_matches('{'))
                    .map(|s| {
                        s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .next()
                            .unwrap_or("")
                    })
                    .take_while(|s| !s.is_empty())
                    .peekable();
                while rest.peek() == Some(&"super") {
                    rest.next();
                    base.pop();
                }
                let mut path = base;
                let mut target = None;
                for part in rest {
                    path.push(part.to_owned());
                    if modules.contains_key(&path) {
                        target = Some(path.clone());
                    }
                }
                // A module may use its ancestors' items, except the `analysis` root's
                // re-exports: inside it, a part names the part it uses.
                let reexport = target
                    .as_ref()
                    .is_some_and(|t| t.len() == 1 && t[0] == "analysis");
                if let Some(target) = target
                    && &target != me
                    && (!me.starts_with(&target) || reexport)
                {
                    edges.insert((me.clone(), target));
                }
            }
        }
    }
    edges
}

fn name(module: &Module) -> String {
    module.join("::")
}

#[test]
fn the_core_has_no_import_loop() {
    let modules = modules();
    let edges = edges(&modules);
    let mut next: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (from, to) in &edges {
        next.entry(from).or_default().push(to);
    }
    // Depth-first search for a back edge; report the loop it closes.
    fn visit<'a>(
        m: &'a Module,
        next: &BTreeMap<&'a Module, Vec<&'a Module>>,
        stack: &mut Vec<&'a Module>,
        done: &mut BTreeSet<&'a Module>,
        loops: &mut Vec<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(at) = stack.iter().position(|s| *s == m) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|m| name(m)).collect();
            cycle.push(name(m));
            loops.push(cycle.join(" -> "));
            return;
        }
        stack.push(m);
        for n in next.get(m).into_iter().flatten() {
            visit(n, next, stack, done, loops);
        }
        stack.pop();
        done.insert(m);
    }
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for m in modules.keys() {
        visit(m, &next, &mut Vec::new(), &mut done, &mut loops);
    }
    assert!(
        edges.len() > 50,
        "the source scan found only {} edges: it is broken",
        edges.len()
    );
    assert_eq!(Vec::<String>::new(), loops, "import loops in the core");
}

#[test]
fn dependencies_point_toward_event_and_down_the_analysis_layers() {
    let modules = modules();
    // Which top-level modules each may use (besides itself, `event`, `error`, `time`
    // and `text`).
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("event", &[][..]),
        ("time", &[][..]),
        ("text", &[][..]),
        ("error", &[][..]),
        ("output", &[][..]),
        ("record", &[][..]),
        ("format", &["output"][..]),
        ("analysis", &[][..]),
        ("import", &["format"][..]),
        ("input", &["format", "import"][..]),
        ("synth", &["record", "format", "output"][..]),
        ("live", &["record", "format", "analysis", "output"][..]),
        ("toggle", &["record", "live", "output"][..]),
    ]);
    // Inside `analysis`: views read the report and the fold, the report reads the fold.
    let layer = |m: &Module| match m.get(1).map(String::as_str) {
        Some("fold") => Some(0),
        Some("report") => Some(1),
        Some("views") => Some(2),
        _ => None,
    };
    let mut wrong = Vec::new();
    // The crate root re-exports every part; it is no part itself.
    for (from, to) in edges(&modules)
        .into_iter()
        .filter(|(from, _)| !from.is_empty())
    {
        let (a, b) = (from[0].as_str(), to[0].as_str());
        if a != b && !matches!(b, "event" | "error" | "time" | "text") {
            let ok = allowed.get(a).is_some_and(|list| list.contains(&b));
            if !ok {
                wrong.push(format!("{} -> {}", name(&from), name(&to)));
            }
        }
        if a == "analysis" && b == "analysis" {
            if let (Some(x), Some(y)) = (layer(&from), layer(&to))
                && y > x
            {
                wrong.push(format!("{} -> {}", name(&from), name(&to)));
            }
            if from.len() > 1 && to.len() == 1 {
                wrong.push(format!(
                    "{} -> analysis (use the part, not the root)",
                    name(&from)
                ));
            }
        }
    }
    assert_eq!(
        Vec::<String>::new(),
        wrong,
        "dependencies against the layering"
    );
}
