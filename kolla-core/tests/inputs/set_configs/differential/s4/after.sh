find /etc/svc /srv/sc | sort | while read f; do stat -c "%n %U:%G %a" "$f"; done
echo "main=$(cat /etc/svc/main.conf) policy=$(cat /etc/svc/policy.yaml) run=$(cat /run_command)"
