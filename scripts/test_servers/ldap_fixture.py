"""The directory the LDAP tests and Benchmarks/ldap-search read: LDIF for slapadd, written as a stream.

  python3 -m test_servers.ldap_fixture --users 2500 --groups 120 > fixture.ldif   (with PYTHONPATH=scripts)

Layout under SUFFIX (dc=herald,dc=test):
  ou=people   inetOrgPerson uid=userNNNNNN: cn/displayName "User NNNNNN", sn, givenName, mail userNNNNNN@herald.test;
              entryUUID is added by slapadd. One user is disabled: uid=user000002 carries `employeeType: disabled`
              (OpenLDAP has no standard disabled flag; ppolicy's pwdAccountLockedTime needs an overlay, this needs
              nothing, and an attribute mapping can test it like Active Directory's userAccountControl bit).
  ou=groups   groupOfNames cn=groupNNNN in three levels: the first twentieth are top groups whose members are
              second-level groups, the next fifth are second-level groups whose members are third-level groups,
              the rest are third-level groups holding the users (user i is in third-level group i mod count).
              So every group's member values include DNs of groups or users, and users are reached three deep.
  ou=services cn=herald-sync, the bind DN of the tests (a plain user: slapd's size limits do not apply to rootdn).
"""
import argparse
import sys

SUFFIX = "dc=herald,dc=test"
BIND_DN = f"cn=herald-sync,ou=services,{SUFFIX}"
BIND_PASSWORD = "herald-ldap-password"
DISABLED_UID = "user000002"


def user_dn(number):
    return f"uid=user{number:06d},ou=people,{SUFFIX}"


def group_dn(number):
    return f"cn=group{number:04d},ou=groups,{SUFFIX}"


def group_levels(groups):
    """(top, second, third) lists of group numbers; every level has at least one group."""
    if groups < 3:
        raise ValueError("at least 3 groups (one per level)")
    top = max(1, groups // 20)
    second = max(1, groups // 5)
    numbers = list(range(1, groups + 1))
    return numbers[:top], numbers[top:top + second], numbers[top + second:]


def members_by_group(users, groups):
    """Each group's member DNs: the lower level's groups spread round-robin, users over the third level."""
    top, second, third = group_levels(groups)
    members = {number: [] for number in range(1, groups + 1)}
    for index, number in enumerate(second):
        members[top[index % len(top)]].append(group_dn(number))
    for index, number in enumerate(third):
        members[second[index % len(second)]].append(group_dn(number))
    for user in range(1, users + 1):
        members[third[(user - 1) % len(third)]].append(user_dn(user))
    # groupOfNames needs a member (RFC 4519); a group left empty by a tiny fixture gets the first user.
    return {number: dns or [user_dn(1)] for number, dns in members.items()}


def write_ldif(output, users, groups):
    write = output.write
    write(f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: herald\no: Herald Test\n\n")
    for unit in ("people", "groups", "services"):
        write(f"dn: ou={unit},{SUFFIX}\nobjectClass: organizationalUnit\nou: {unit}\n\n")
    write(f"dn: {BIND_DN}\nobjectClass: person\ncn: herald-sync\nsn: sync\nuserPassword: {BIND_PASSWORD}\n\n")
    for user in range(1, users + 1):
        uid = f"user{user:06d}"
        write(f"dn: {user_dn(user)}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: User {user:06d}\nsn: {user:06d}\n"
              f"givenName: User\ndisplayName: User {user:06d}\nmail: {uid}@herald.test\n")
        if uid == DISABLED_UID:
            write("employeeType: disabled\n")
        write("\n")
    for number, dns in members_by_group(users, groups).items():
        write(f"dn: {group_dn(number)}\nobjectClass: groupOfNames\ncn: group{number:04d}\n")
        write("".join(f"member: {dn}\n" for dn in dns))
        write("\n")


def main(arguments=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2500)
    parser.add_argument("--groups", type=int, default=120)
    options = parser.parse_args(arguments)
    if options.users < 1 or not 3 <= options.groups <= 9999:
        parser.error("--users must be at least 1 and --groups 3-9999")
    write_ldif(sys.stdout, options.users, options.groups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
