//! Who may run `/reload`. Discord's `default_member_permissions` only hides a command in the
//! client and can be overridden by any server admin in the Integrations settings, so the bot
//! checks for itself on every call: the member has Manage Server (or Administrator) in the
//! permissions Discord sends with the interaction, or holds one of the configured admin roles.

use ::serenity::all as serenity;

/// The decision on plain values, so it can be tested without Discord types.
pub fn is_admin_by(roles: &[u64], permissions: Option<u64>, admin_roles: &[u64]) -> bool {
    let manage =
        serenity::Permissions::MANAGE_GUILD.bits() | serenity::Permissions::ADMINISTRATOR.bits();
    permissions.is_some_and(|p| p & manage != 0) || roles.iter().any(|r| admin_roles.contains(r))
}

/// True when the member who sent the interaction may administer the bot. Outside a server (no
/// member) nobody is.
pub fn is_admin(member: Option<&serenity::Member>, admin_roles: &[u64]) -> bool {
    let Some(m) = member else {
        return false;
    };
    let roles: Vec<u64> = m.roles.iter().map(|r| r.get()).collect();
    is_admin_by(&roles, m.permissions.map(|p| p.bits()), admin_roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_server_or_admin_role() {
        let manage = serenity::Permissions::MANAGE_GUILD.bits();
        let admin = serenity::Permissions::ADMINISTRATOR.bits();
        let send = serenity::Permissions::SEND_MESSAGES.bits();
        assert!(is_admin_by(&[], Some(manage), &[]));
        assert!(is_admin_by(&[], Some(admin | send), &[]));
        assert!(!is_admin_by(&[], Some(send), &[]));
        assert!(!is_admin_by(&[5], Some(send), &[]));
        assert!(is_admin_by(&[5, 9], Some(send), &[9]));
        assert!(!is_admin_by(&[5], None, &[9]));
    }
}
