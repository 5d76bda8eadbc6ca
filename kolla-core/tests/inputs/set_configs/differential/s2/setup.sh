mkdir -p /var/lib/kolla/config_files
