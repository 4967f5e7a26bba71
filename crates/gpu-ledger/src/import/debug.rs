//! Reading the engine's debug-layer lines (`[GE*Engine_Internal] - ...`): typed
//! lines (`INFO QUEUE Queue created: ...`), untyped ones (`Queue created: ...`
//! without level and domain), and the Vulkan validation-layer messages the engine
//! forwards (`[VVL ERROR] Validation Error: [ VUID-... ] ...`).
//!
//! Parsing only: it says what a line is and never makes events.

use crate::event::{FindingSeverity, ResourceAction, ResourceType};

/// The levels a typed debug line starts with.
const LEVELS: [&str; 7] = [
    "CRITICAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "TRACE",
];

/// The domains that follow a level.
const DOMAINS: [&str; 8] = [
    "GENERAL",
    "RESOURCE",
    "PIPELINE",
    "SHADER",
    "QUEUE",
    "RENDERTGT",
    "MEMORY",
    "ASSET",
];

/// The lifecycle messages the debug layer prints: prefix, id field, type, action.
pub(super) const LIFECYCLE: [(&str, &str, ResourceType, ResourceAction); 8] = [
    (
        "Queue created:",
        "queue",
        ResourceType::CommandQueue,
        ResourceAction::Create,
    ),
    (
        "Queue destroyed:",
        "queue",
        ResourceType::CommandQueue,
        ResourceAction::Destroy,
    ),
    (
        "NativeRenderTarget created:",
        "id",
        ResourceType::NativeTarget,
        ResourceAction::Create,
    ),
    (
        "NativeRenderTarget destroyed:",
        "id",
        ResourceType::NativeTarget,
        ResourceAction::Destroy,
    ),
    (
        "TextureRenderTarget created:",
        "id",
        ResourceType::TextureTarget,
        ResourceAction::Create,
    ),
    (
        "TextureRenderTarget destroyed:",
        "id",
        ResourceType::TextureTarget,
        ResourceAction::Destroy,
    ),
    (
        "Texture created:",
        "id",
        ResourceType::Texture,
        ResourceAction::Create,
    ),
    (
        "Buffer created:",
        "id",
        ResourceType::Buffer,
        ResourceAction::Create,
    ),
];

/// A debug-layer line, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DebugLine<'a> {
    /// A validation-layer message the engine forwarded.
    Validation {
        /// From the `[VVL <level>]` tag.
        severity: FindingSeverity,
        /// The message after the tag.
        message: &'a str,
    },
    /// The engine's own message, typed or not.
    Message(&'a str),
}

/// Reads the text after `[<Engine>_Internal] - `.
pub(super) fn debug_line(rest: &str) -> DebugLine<'_> {
    let rest = rest.trim();
    if let Some(tagged) = rest.strip_prefix("[VVL ")
        && let Some((level, message)) = tagged.split_once(']')
    {
        let severity = match level.trim() {
            "ERROR" => FindingSeverity::Error,
            "WARN" | "WARNING" | "PERF" | "PERFORMANCE" => FindingSeverity::Warning,
            _ => FindingSeverity::Info,
        };
        return DebugLine::Validation {
            severity,
            message: message.trim(),
        };
    }
    let mut message = rest;
    if let Some((first, after)) = message.split_once(' ')
        && LEVELS.contains(&first)
    {
        message = after.trim_start();
        if let Some((second, after)) = message.split_once(' ')
            && DOMAINS.contains(&second)
        {
            message = after.trim_start();
        }
    }
    DebugLine::Message(message)
}

/// The code of a validation message: the `VUID-...` it names, else its
/// `MessageID`, else `vulkan-validation`.
pub(super) fn validation_code(message: &str) -> String {
    fn token(t: &str) -> &str {
        t.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    }
    if let Some(vuid) = message
        .split_whitespace()
        .map(token)
        .find(|t| t.starts_with("VUID-") || t.starts_with("UNASSIGNED-"))
    {
        return vuid.to_owned();
    }
    let mut words = message.split_whitespace();
    while let Some(word) = words.next() {
        if word.trim_end_matches(':') == "MessageID" {
            let id = words.find(|w| *w != "=").map(token).unwrap_or_default();
            if !id.is_empty() {
                return format!("vvl-message-{id}");
            }
        }
    }
    String::from("vulkan-validation")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_untyped_lines_give_the_same_message() {
        for rest in [
            "INFO QUEUE Queue created: queue=12 type=0",
            "Queue created: queue=12 type=0",
            "TRACE Queue created: queue=12 type=0",
        ] {
            assert_eq!(
                debug_line(rest),
                DebugLine::Message("Queue created: queue=12 type=0"),
                "{rest}"
            );
        }
        assert_eq!(
            debug_line("Successfully Created GEVulkanEngine"),
            DebugLine::Message("Successfully Created GEVulkanEngine")
        );
        assert_eq!(
            debug_line("[GEVulkan_RP] startRenderPass: attachments=1"),
            DebugLine::Message("[GEVulkan_RP] startRenderPass: attachments=1")
        );
    }

    #[test]
    fn validation_messages_keep_their_severity_and_code() {
        let line = "[VVL ERROR] Validation Error: [ VUID-vkDestroyImage-image-01000 ] Object 0: handle = 0x3e; | MessageID = 0xf2d29b5a | vkDestroyImage(): in use";
        let DebugLine::Validation { severity, message } = debug_line(line) else {
            panic!("a validation message");
        };
        assert_eq!(severity, FindingSeverity::Error);
        assert!(message.starts_with("Validation Error: [ VUID-"));
        assert_eq!(validation_code(message), "VUID-vkDestroyImage-image-01000");
        assert_eq!(
            validation_code("Validation Warning: | MessageID = 0x1234abcd | something"),
            "vvl-message-0x1234abcd"
        );
        assert_eq!(validation_code("no id at all"), "vulkan-validation");
        assert!(matches!(
            debug_line("[VVL WARN] Validation Performance Warning: x"),
            DebugLine::Validation {
                severity: FindingSeverity::Warning,
                ..
            }
        ));
        assert!(matches!(
            debug_line("[VVL INFO] x"),
            DebugLine::Validation {
                severity: FindingSeverity::Info,
                ..
            }
        ));
    }
}
