for f in /etc/svc /etc/svc/a.conf /etc/svc/b.conf /run_command /etc/kolla/defaults/etc/svc/b.conf; do [ -e $f ] && stat -c "%n %U:%G %a" $f; done
echo "b.conf=$(cat /etc/svc/b.conf) backup=$(cat /etc/kolla/defaults/etc/svc/b.conf 2>/dev/null)"
