C=/var/lib/kolla/config_files
mkdir -p $C /etc/svc
echo g1 > $C/g1.ini; echo g2 > $C/g2.ini; echo h > $C/.h.ini
echo pol > $C/policy.yaml
echo shipped-policy > /etc/svc/policy.yaml
echo shipped-main > /etc/svc/main.conf
echo main > $C/main.conf
cat > $C/config.yaml <<'Y'
command: svc --all
config_files:
  - source: /var/lib/kolla/config_files/*.ini
    dest: /etc/svc/ini/
    owner: nova
    perm: "0600"
  - source: /var/lib/kolla/config_files/main.conf
    dest: /etc/svc/main.conf
    owner: nova:kolla
    perm: "0o640"
  - source: /var/lib/kolla/config_files/policy.yaml
    dest: /etc/svc/policy.yaml
    owner: nova
    perm: "0600"
    optional: true
directories:
  - path: /srv/sc/logs
    owner: nova:kolla
    perm: "0750"
files:
  - path: /srv/sc/logs/svc.log
    owner: nova
    perm: "0640"
Y
