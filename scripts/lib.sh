# Shell helpers shared by the scripts; source it, do not run it.

# The one rule for "CI is set" (the same in kolla-core/tests/common/ci.rs and
# kolla_rs._testing): CI holds any value but empty, 0 or false (any case).
# Under CI every skip is a failure.
ci_is_set() {
    case "${CI:-}" in
        "" | 0 | [Ff][Aa][Ll][Ss][Ee]) return 1 ;;
        *) return 0 ;;
    esac
}
