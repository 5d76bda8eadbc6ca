find /etc/svc /srv/sc/data | sort | while read f; do stat -c "%n %U:%G %a" "$f"; done
cat /etc/svc/tree/a.conf
