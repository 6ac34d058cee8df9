#!/bin/bash
# Runs as the analysis user at image build time: gives the home directory the shape of a developer's.
set -eu
cd "$HOME"
mkdir -p projects/app .config .cache .local/bin .local/share .npm .ssh Documents Downloads
chmod 700 .ssh
cat > .gitconfig <<'GIT'
[user]
	name = Jordan Ellis
	email = jordan.ellis@fastmail.com
[init]
	defaultBranch = main
[pull]
	rebase = true
GIT
cat >> .bashrc <<'RC'
export PATH="$HOME/.local/bin:$PATH"
alias gs='git status'
alias ll='ls -alF'
RC
echo 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' > .ssh/known_hosts
# The scratch project that packages are installed into.
cat > projects/app/package.json <<'PKG'
{
  "name": "app",
  "version": "1.0.0",
  "private": true,
  "description": "",
  "main": "index.js",
  "scripts": { "start": "node index.js", "test": "node --test" },
  "license": "ISC"
}
PKG
echo "console.log('hello');" > projects/app/index.js
# A developer's project is a git checkout: implants look for its .git/hooks and do nothing without one.
printf 'node_modules/\n.venv/\n' > projects/app/.gitignore
git -C projects/app init -q
git -C projects/app add package.json index.js .gitignore
GIT_AUTHOR_DATE='2026-10-14T09:12:00Z' GIT_COMMITTER_DATE='2026-10-14T09:12:00Z' git -C projects/app commit -q -m 'Initial commit'
# The project's Python virtualenv (system site-packages give it setuptools for builds without isolation).
python3 -m venv --system-site-packages projects/app/.venv
# The legacy `setup.py install` step resolves install_requires through easy_install, which would try pypi.org:
# the installer's doing, not the package's, and it made every sdist with dependencies contact an unknown host.
# Its default index is an empty local path; this is the lowest-precedence config file, so an index a
# package names in its own setup.cfg still wins (and its traffic is seen).
site=$(projects/app/.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '[easy_install]\nindex_url = file:///nonexistent/airlock-offline-index/\n' > "$site/setuptools/_distutils/distutils.cfg"
