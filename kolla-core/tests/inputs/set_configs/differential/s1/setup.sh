mkdir -p /var/lib/kolla/config_files /etc/svc
echo "[DEFAULT]" > /var/lib/kolla/config_files/a.conf
echo "b" > /var/lib/kolla/config_files/b.conf
echo "shipped" > /etc/svc/b.conf
cat > /var/lib/kolla/config_files/config.json <<'J'
{"command": "svc --x 'y z'", "config_files": [
 {"source": "/var/lib/kolla/config_files/a.conf", "dest": "/etc/svc/a.conf", "owner": "nova", "perm": "0600"},
 {"source": "/var/lib/kolla/config_files/b.conf", "dest": "/etc/svc/", "owner": "nova:kolla", "perm": "0640"},
 {"source": "/var/lib/kolla/config_files/*.ini", "dest": "/etc/svc/", "owner": "nova", "perm": "0600", "optional": true}],
 "permissions": [{"path": "/etc/svc", "owner": "nova:kolla", "perm": "0750"}]}
J
