[ -e /srv/sc/d1/d2 ] && stat -c "%n %U:%G %a" /srv/sc/d1 /srv/sc/d1/d2
