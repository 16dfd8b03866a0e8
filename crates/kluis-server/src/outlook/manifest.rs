//! The Outlook add-in's XML manifest (add-in only, `MailApp` with
//! VersionOverrides 1.0 and 1.1), made for the server's own public URL so
//! an administrator deploys one URL: `<public_url>/outlook/manifest.xml`.
//! It declares the compose button "Send securely" (the task pane), the
//! `OnMessageSend` launch event in soft-block mode (Smart Alerts, Mailbox
//! 1.12) with the classic-Outlook JavaScript file as the runtime's
//! override, the `ReadWriteItem` permission and the server as the only app
//! domain. Every URL in it is on the public URL's origin.
//!
//! ```
//! use kluis_server::outlook::manifest::{addin_id, manifest_xml};
//! let xml = manifest_xml("https://kluis.example.org", "Gemeente Voorbeeld")?;
//! assert!(xml.contains("<SourceLocation DefaultValue=\"https://kluis.example.org/outlook/taskpane.html\"/>"));
//! assert!(xml.contains("<LaunchEvent Type=\"OnMessageSend\" FunctionName=\"onMessageSendHandler\" SendMode=\"SoftBlock\"/>"));
//! assert_eq!(addin_id("https://kluis.example.org"), addin_id("https://kluis.example.org"));
//! assert!(manifest_xml("http://kluis.example.org", "x").is_err()); // Outlook loads add-ins over https only
//! # Ok::<(), kluis_server::outlook::manifest::ManifestError>(())
//! ```

use sha2::{Digest, Sha256};

use crate::web::pages::escape;

/// Why no manifest can be made for a public URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Outlook loads add-ins over https only; plain http is accepted for a
    /// loopback host (tests, a developer's machine).
    #[error("the Outlook add-in needs an https public_url (got {0:?}); http is allowed for localhost only")]
    NotHttps(String),
    /// The public URL has a path, query or fragment, or no host.
    #[error("public_url {0:?} must be an origin (scheme, host, optional port) for the Outlook add-in")]
    NotAnOrigin(String),
}

/// The function the manifest names for `OnMessageSend` (clients/outlook/src/commands.ts).
pub const HANDLER: &str = "onMessageSendHandler";

/// The task pane button's id; the Smart Alert's "Send securely" opens it.
pub const BUTTON: &str = "kluisSendSecurely";

/// Checks that `public_url` is an origin over https (or http to a loopback host).
pub fn check_origin(public_url: &str) -> Result<(), ManifestError> {
    let (scheme, rest) =
        public_url.split_once("://").ok_or_else(|| ManifestError::NotAnOrigin(public_url.to_string()))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '"', '<', '>', ' ']) {
        return Err(ManifestError::NotAnOrigin(public_url.to_string()));
    }
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, _)| h).unwrap_or(v6),
        None => rest.rsplit_once(':').map_or(rest, |(h, _)| h),
    };
    match scheme {
        "https" => Ok(()),
        "http" if host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) => Ok(()),
        _ => Err(ManifestError::NotHttps(public_url.to_string())),
    }
}

/// A stable add-in id for a server: a UUID (version 5 layout) from the
/// SHA-256 of its public URL, so every deployment has its own id and the
/// same server always the same one.
pub fn addin_id(public_url: &str) -> String {
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&Sha256::digest(format!("kluis-outlook-addin:{public_url}").as_bytes())[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The manifest for the server at `public_url` (an origin, no trailing
/// slash) of the organisation `site_name`.
pub fn manifest_xml(public_url: &str, site_name: &str) -> Result<String, ManifestError> {
    check_origin(public_url)?;
    let url = escape(public_url);
    let site = escape(site_name);
    let id = addin_id(public_url);
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- The Kluis add-in for Outlook, made by the server's /outlook/manifest.xml (docs/MAILCLIENTS.md). -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xmlns:mailappor="http://schemas.microsoft.com/office/mailappversionoverrides/1.0" xsi:type="MailApp">
  <Id>{id}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>{site}</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="Kluis – {site}">
    <Override Locale="nl-NL" Value="Kluis – {site}"/>
  </DisplayName>
  <Description DefaultValue="Send attachments end-to-end encrypted: the mail carries only a link, the password goes by phone.">
    <Override Locale="nl-NL" Value="Verstuur bijlagen end-to-end versleuteld: de mail bevat alleen een link, het wachtwoord gaat per telefoon."/>
  </Description>
  <IconUrl DefaultValue="{url}/outlook/icon-64.png"/>
  <HighResolutionIconUrl DefaultValue="{url}/outlook/icon-128.png"/>
  <SupportUrl DefaultValue="{url}/"/>
  <AppDomains>
    <AppDomain>{url}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Mailbox"/>
  </Hosts>
  <Requirements>
    <Sets>
      <Set Name="Mailbox" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <FormSettings>
    <Form xsi:type="ItemEdit">
      <DesktopSettings>
        <SourceLocation DefaultValue="{url}/outlook/taskpane.html"/>
      </DesktopSettings>
    </Form>
  </FormSettings>
  <Permissions>ReadWriteItem</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or">
    <Rule xsi:type="ItemIs" ItemType="Message" FormType="Edit"/>
  </Rule>
  <DisableEntityHighlighting>false</DisableEntityHighlighting>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Requirements>
      <bt:Sets DefaultMinVersion="1.8">
        <bt:Set Name="Mailbox"/>
      </bt:Sets>
    </Requirements>
    <Hosts>
      <Host xsi:type="MailHost">
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>
{button}
        </DesktopFormFactor>
      </Host>
    </Hosts>
{resources}
    <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1" xsi:type="VersionOverridesV1_1">
      <Requirements>
        <bt:Sets DefaultMinVersion="1.12">
          <bt:Set Name="Mailbox"/>
        </bt:Sets>
      </Requirements>
      <Hosts>
        <Host xsi:type="MailHost">
          <Runtimes>
            <Runtime resid="Commands.Url">
              <Override type="javascript" resid="Classic.Url"/>
            </Runtime>
          </Runtimes>
          <DesktopFormFactor>
            <FunctionFile resid="Commands.Url"/>
{button}
            <ExtensionPoint xsi:type="LaunchEvent">
              <LaunchEvents>
                <LaunchEvent Type="OnMessageSend" FunctionName="{HANDLER}" SendMode="SoftBlock"/>
              </LaunchEvents>
              <SourceLocation resid="Commands.Url"/>
            </ExtensionPoint>
          </DesktopFormFactor>
        </Host>
      </Hosts>
{resources}
    </VersionOverrides>
  </VersionOverrides>
</OfficeApp>
"#,
        button = button(),
        resources = resources(&url),
    ))
}

fn button() -> String {
    format!(
        r#"          <ExtensionPoint xsi:type="MessageComposeCommandSurface">
            <OfficeTab id="TabDefault">
              <Group id="kluisGroup">
                <Label resid="Group.Label"/>
                <Control xsi:type="Button" id="{BUTTON}">
                  <Label resid="Button.Label"/>
                  <Supertip>
                    <Title resid="Button.Label"/>
                    <Description resid="Button.Tip"/>
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="Icon.16"/>
                    <bt:Image size="32" resid="Icon.32"/>
                    <bt:Image size="80" resid="Icon.80"/>
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <SourceLocation resid="Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>"#
    )
}

fn resources(url: &str) -> String {
    format!(
        r#"    <Resources>
      <bt:Images>
        <bt:Image id="Icon.16" DefaultValue="{url}/outlook/icon-16.png"/>
        <bt:Image id="Icon.32" DefaultValue="{url}/outlook/icon-32.png"/>
        <bt:Image id="Icon.80" DefaultValue="{url}/outlook/icon-80.png"/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Commands.Url" DefaultValue="{url}/outlook/commands.html"/>
        <bt:Url id="Classic.Url" DefaultValue="{url}/outlook/launchevent.js"/>
        <bt:Url id="Taskpane.Url" DefaultValue="{url}/outlook/taskpane.html"/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Group.Label" DefaultValue="Kluis">
          <bt:Override Locale="nl-NL" Value="Kluis"/>
        </bt:String>
        <bt:String id="Button.Label" DefaultValue="Send securely">
          <bt:Override Locale="nl-NL" Value="Veilig versturen"/>
        </bt:String>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="Button.Tip" DefaultValue="Send the attachments end-to-end encrypted with Kluis; the mail carries only a link.">
          <bt:Override Locale="nl-NL" Value="Verstuur de bijlagen end-to-end versleuteld met Kluis; de mail bevat alleen een link."/>
        </bt:String>
      </bt:LongStrings>
    </Resources>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        for ok in [
            "https://kluis.example.org",
            "https://kluis.example.org:8443",
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:80",
        ] {
            assert_eq!(check_origin(ok), Ok(()), "{ok}");
        }
        for (bad, https) in [
            ("http://kluis.example.org", true),
            ("http://127.example.org", true),
            ("ftp://kluis.example.org", true),
            ("https://kluis.example.org/kluis", false),
            ("https://kluis.example.org?a", false),
            ("https://", false),
            ("kluis.example.org", false),
            ("https://a\"b", false),
        ] {
            let r = check_origin(bad);
            assert!(
                if https {
                    matches!(r, Err(ManifestError::NotHttps(_)))
                } else {
                    matches!(r, Err(ManifestError::NotAnOrigin(_)))
                },
                "{bad}: {r:?}"
            );
        }
    }

    #[test]
    fn ids_differ_per_server_and_look_like_uuids() {
        let a = addin_id("https://a.example.org");
        assert_eq!(a, addin_id("https://a.example.org"));
        assert_ne!(a, addin_id("https://b.example.org"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn the_site_name_is_escaped() -> Result<(), ManifestError> {
        let xml = manifest_xml("https://k.example.org", "A & B <\"x\">")?;
        assert!(xml.contains("<ProviderName>A &amp; B &lt;&quot;x&quot;&gt;</ProviderName>"));
        assert!(!xml.contains("A & B"));
        Ok(())
    }
}
