C=/var/lib/kolla/config_files
mkdir -p $C/tree/sub/deep /srv/sc/data/keep /srv/sc/data/skip /srv/sc/data/both /etc/svc/tree
echo a > $C/tree/a.conf; echo b > $C/tree/sub/deep/b.conf; echo d > $C/tree/.dot
echo extra > /etc/svc/tree/extra
echo p > $C/p.conf; chmod 0604 $C/p.conf; chown 2:3 $C/p.conf
for f in keep/a skip/b skipper c both/x; do echo x > /srv/sc/data/$f; chmod 644 /srv/sc/data/$f; done
cat > $C/config.json <<'J'
{"command": "x", "config_files": [
 {"source": "/var/lib/kolla/config_files/tree", "dest": "/etc/svc/tree", "owner": "nova", "perm": "0600", "merge": true},
 {"source": "/var/lib/kolla/config_files/p.conf", "dest": "/etc/svc/p.conf", "preserve_properties": true}],
 "permissions": [{"path": "/srv/sc/data", "owner": "nova:kolla", "perm": "0640", "recurse": true, "exclude": ["/srv/sc/data/skip", "both|skip"]}]}
J
