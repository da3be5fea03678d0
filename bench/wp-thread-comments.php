<?php
/**
 * The comments read benchmark's post on the WordPress anchor (bench/comments-read.sh runs this; it is ours, not the
 * anchor's).
 *
 *   php wp-thread-comments.php create COUNT STATE_FILE   adds the post, sets the Discussion options; prints "id<TAB>url"
 *   php wp-thread-comments.php restore STATE_FILE        deletes the post and its comments, puts the options back
 *
 * The post has COUNT approved comments in threads of five, in the same three shapes, in turn, as Masthead's
 * `generate --thread-comments` (DemoContent.ParentInThread): a chain five deep, four answers to the first comment,
 * and two branches two deep. Comments are a minute apart, oldest first, well before the anchor's own content ends, so
 * no "recent" list changes. The options (threaded five deep, paged at 50) are saved to STATE_FILE first and put back
 * by `restore`, so bench/run.sh's later figures see the anchor as its setup.sh left it.
 */
if (PHP_SAPI !== 'cli') { exit(1); }
$url = getenv('WP_ANCHOR_URL') ?: 'http://127.0.0.1:8081';
$u = parse_url($url);
// Debian's wp-config.php picks /etc/wordpress/config-<host>.php from the request's host.
$_SERVER['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD'] = 'GET';
require '/usr/share/wordpress/wp-load.php';

const MARK = 'masthead_bench_thread';
const THREAD_SIZE = 5;
const OPTIONS = ['thread_comments' => '1', 'thread_comments_depth' => '5', 'page_comments' => '1', 'comments_per_page' => '50'];
$SENTENCES = [
    'Residents filled the hall well before the meeting began.',
    'Officials said the work would take most of the season.',
    'The harbor master expects busier weekends once the weather turns.',
    'Several speakers asked for clearer figures before any vote.',
    'Volunteers have already signed up for the first shifts.',
    'The plan was first proposed two years ago and revised twice since.',
    'Shop owners on the main street welcomed the decision.',
    'A public hearing is set for next month at the community center.',
    'Costs are shared between the town and a regional grant.',
    'Critics argue the timetable leaves too little room for delays.',
];

function parent_in_thread(int $thread, int $position): ?int {
    if ($position === 0) return null;
    switch ($thread % 3) {
        case 0: return $position - 1;
        case 1: return 0;
        default: return ($position === 1 || $position === 3) ? 0 : $position - 1;
    }
}

function remove_bench_posts(): int {
    $ids = get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids',
        'meta_key' => MARK, 'suppress_filters' => true]);
    foreach ($ids as $id) wp_delete_post($id, true);   // true: no trash; its comments go with it
    return count($ids);
}

$cmd = $argv[1] ?? '';
if ($cmd === 'create') {
    $count = (int) ($argv[2] ?? 0);
    $state = $argv[3] ?? '';
    if ($count < 1 || $state === '') { fwrite(STDERR, "usage: create COUNT STATE_FILE\n"); exit(2); }
    wp_set_current_user(1);
    remove_bench_posts();
    if (!file_exists($state)) {   // a second create keeps the options as they were before the first
        $before = [];
        foreach (array_keys(OPTIONS) as $name) $before[$name] = get_option($name);
        file_put_contents($state, json_encode($before));
    }
    foreach (OPTIONS as $name => $value) update_option($name, $value);

    $paragraphs = [];
    for ($p = 0; $p < 5; $p++) {
        $s = [];
        for ($k = 0; $k < 4; $k++) $s[] = $SENTENCES[($p * 4 + $k * 3) % count($SENTENCES)];
        $paragraphs[] = '<p>' . implode(' ', $s) . '</p>';
    }
    $published = '2025-06-02 09:00:00';
    $post = wp_insert_post(wp_slash([
        'post_type' => 'post', 'post_status' => 'publish', 'post_author' => 1, 'post_title' => 'Readers debate the harbor plan',
        'post_content' => implode("\n\n", $paragraphs), 'post_date' => $published, 'comment_status' => 'open',
        'meta_input' => [MARK => '1'],
    ]), true);
    if (is_wp_error($post)) { fwrite(STDERR, $post->get_error_message() . "\n"); exit(1); }

    wp_defer_comment_counting(true);
    $ids = [];
    $start = strtotime($published . ' UTC');
    for ($k = 0; $k < $count; $k++) {
        $thread = intdiv($k, THREAD_SIZE);
        $parent = parent_in_thread($thread, $k % THREAD_SIZE);
        $local = gmdate('Y-m-d H:i:s', $start + 60 * ($k + 1));
        $id = wp_insert_comment(wp_slash([
            'comment_post_ID' => $post, 'comment_parent' => $parent === null ? 0 : $ids[$thread * THREAD_SIZE + $parent],
            'comment_approved' => '1', 'comment_type' => 'comment', 'user_id' => 0,
            'comment_author' => 'Reader ' . ($k % 400 + 1), 'comment_author_email' => 'reader@example.invalid',
            'comment_author_url' => '', 'comment_author_IP' => '192.0.2.1', 'comment_agent' => 'bench',
            'comment_content' => 'Bench comment ' . ($k + 1) . '. ' . $SENTENCES[$k % 10] . ' ' . $SENTENCES[($k * 7 + 3) % 10],
            'comment_date' => $local, 'comment_date_gmt' => get_gmt_from_date($local),
        ]));
        if (!$id) { fwrite(STDERR, "comment insert failed at $k\n"); exit(1); }
        $ids[] = $id;
    }
    wp_defer_comment_counting(false);
    wp_update_comment_count_now($post);
    clean_post_cache($post);
    echo $post, "\t", get_permalink($post), "\n";
} elseif ($cmd === 'restore') {
    $state = $argv[2] ?? '';
    $removed = remove_bench_posts();
    if ($state !== '' && is_file($state)) {
        foreach (json_decode(file_get_contents($state), true) as $name => $value) {
            if ($value === false) delete_option($name); else update_option($name, $value);
        }
        unlink($state);
    }
    fwrite(STDERR, "removed $removed bench post(s); Discussion options restored\n");
} else {
    fwrite(STDERR, "usage: create COUNT STATE_FILE | restore STATE_FILE\n");
    exit(2);
}
