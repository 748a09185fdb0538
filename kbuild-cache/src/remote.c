// SPDX-License-Identifier: GPL-2.0
#include "remote.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_IDLE 16

struct remote {
	char *url;
	pthread_mutex_t lock;
	CURL *idle[MAX_IDLE];	/* handles kept for their open connections */
	int nidle;
	int down;
	char reason[CURL_ERROR_SIZE];
};

struct membuf {
	char *p;
	size_t n, cap;
	const char *src;	/* upload */
	size_t off, len;
};

struct remote *remote_open(const char *url)
{
	struct remote *r = xmalloc(sizeof(*r));
	size_t n;

	memset(r, 0, sizeof(*r));
	r->url = xstrdup(url);
	n = strlen(r->url);
	while (n && r->url[n - 1] == '/')
		r->url[--n] = 0;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void remote_close(struct remote *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nidle; i++)
		curl_easy_cleanup(r->idle[i]);
	pthread_mutex_destroy(&r->lock);
	free(r->url);
	free(r);
}

bool remote_up(const struct remote *r)
{
	return r && !__atomic_load_n(&r->down, __ATOMIC_RELAXED);
}

const char *remote_url(const struct remote *r)
{
	return r->url;
}

static CURL *take(struct remote *r)
{
	CURL *c = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->nidle)
		c = r->idle[--r->nidle];
	pthread_mutex_unlock(&r->lock);
	if (!c)
		c = curl_easy_init();
	else
		curl_easy_reset(c);
	return c;
}

static void give(struct remote *r, CURL *c)
{
	pthread_mutex_lock(&r->lock);
	if (r->nidle < MAX_IDLE) {
		r->idle[r->nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	if (c)
		curl_easy_cleanup(c);
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct membuf *m = user;
	size_t len = size * nmemb;

	if (m->n + len + 1 > m->cap) {
		m->cap = (m->n + len + 1) * 2;
		m->p = xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, ptr, len);
	m->n += len;
	m->p[m->n] = 0;
	return len;
}

static size_t on_read(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct membuf *m = user;
	size_t len = size * nmemb;

	if (len > m->len - m->off)
		len = m->len - m->off;
	memcpy(ptr, m->src + m->off, len);
	m->off += len;
	return len;
}

/* The transport failed: say so once and treat the remote as absent. */
static void mark_down(struct remote *r, const char *why)
{
	if (__atomic_exchange_n(&r->down, 1, __ATOMIC_RELAXED))
		return;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	kbc_warn("remote %s unreachable (%s); using the local cache only", r->url, why);
}

/* One request; returns the HTTP status, or 0 when the transport failed. */
static long request(struct remote *r, const char *method, const char *rel, struct membuf *m)
{
	char *url = xasprintf("%s/%s", r->url, rel);
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode rc;
	long status = 0;

	if (!remote_up(r)) {
		free(url);
		return 0;
	}
	c = take(r);
	if (!c) {
		free(url);
		mark_down(r, "cannot create a curl handle");
		return 0;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kbuild-cache");
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, m);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, m);
	} else {
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, m);
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	} else {
		mark_down(r, *errbuf ? errbuf : curl_easy_strerror(rc));
	}
	give(r, c);
	kbc_debug("remote %s %s: %ld", method, url, status);
	free(url);
	return status;
}

int remote_get_buf(struct remote *r, const char *rel, char **buf, size_t *len)
{
	struct membuf m = { 0 };
	long st = request(r, "GET", rel, &m);

	if (st == 200) {
		if (!m.p)
			m.p = xstrdup("");
		*buf = m.p;
		*len = m.n;
		return 0;
	}
	free(m.p);
	if (st && st != 404)
		kbc_warn("remote %s/%s: HTTP %ld", r->url, rel, st);
	return 1;
}

int remote_get_file(struct remote *r, const char *rel, const char *dest)
{
	char *buf;
	size_t len;
	int rc;

	if (remote_get_buf(r, rel, &buf, &len))
		return 1;
	rc = mkdir_parent(dest);
	if (!rc)
		rc = write_file_atomic(dest, buf, len);
	free(buf);
	return rc ? -1 : 0;
}

int remote_head(struct remote *r, const char *rel)
{
	return request(r, "HEAD", rel, &(struct membuf){ 0 }) == 200 ? 0 : 1;
}

int remote_put_buf(struct remote *r, const char *rel, const void *data, size_t len)
{
	struct membuf m = { .src = data, .len = len };
	long st = request(r, "PUT", rel, &m);

	free(m.p);
	if (st >= 200 && st < 300)
		return 0;
	if (!st)
		return kbc_err("remote %s: %s", r->url, r->reason);
	return kbc_err("remote %s/%s: PUT failed with HTTP %ld", r->url, rel, st);
}
