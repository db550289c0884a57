"""Two versions of one shop page, for the web performance tests: heavy and optimised.

The heavy page has a large script and a style sheet in the head (render-blocking), six large
images, and its server sends no compression and no cache lifetime; the optimised page is small,
compressed and cached, its script deferred.  ``SERVERS`` are the nginx server directives of each
(``root`` filled in by the caller).
"""

import os
import struct

PAGE = '''<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
%(head)s
</head><body><h1>Shop</h1><p>Today's offers.</p>%(body)s</body></html>
'''


# Six 900 KiB images: the heavy page weighs over 4000 KiB, beyond page_weight's fail limit.
IMAGES = 6


def bmp(width, height, shade):
    """An uncompressed 24-bit BMP: large, valid, and the same every run."""
    row = bytes([shade, 255 - shade, (shade * 7) % 256]) * width
    row += b'\0' * ((4 - len(row) % 4) % 4)
    pixels = row * height
    header = struct.pack('<2sIHHI', b'BM', 54 + len(pixels), 0, 0, 54)
    info = struct.pack('<IiiHHIIiiII', 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def script(kib):
    """Real JavaScript of about ``kib`` KiB that runs when loaded."""
    parts, size, n = [], 0, 0
    while size < kib * 1024:
        line = 'function f%d(a){var s=0;for(var i=0;i<a;i++){s+=i*%d;}return s;}window.r%d=f%d(%d);\n' % (
            n, n, n, n, 50 + n % 50)
        parts.append(line)
        size += len(line)
        n += 1
    return ''.join(parts)


def write_sites(root):
    heavy, light = os.path.join(root, 'heavy'), os.path.join(root, 'light')
    for directory in (heavy, light):
        os.makedirs(directory)
    images = ''.join('<img src="/img%d.bmp" alt="offer %d">' % (i, i) for i in range(IMAGES))
    with open(os.path.join(heavy, 'index.html'), 'w') as handle:
        handle.write(PAGE % dict(head='<link rel="stylesheet" href="/style.css"><script src="/app.js"></script>',
                                 body=images))
    with open(os.path.join(heavy, 'style.css'), 'w') as handle:
        handle.write(''.join('.c%d{margin:%dpx;padding:%dpx;color:#%06x}\n' % (i, i % 9, i % 7, i * 4099 % 0xFFFFFF)
                             for i in range(4000)))
    with open(os.path.join(heavy, 'app.js'), 'w') as handle:
        handle.write(script(700))
    for i in range(IMAGES):
        with open(os.path.join(heavy, 'img%d.bmp' % i), 'wb') as handle:
            handle.write(bmp(640, 480, 40 + i * 30))
    with open(os.path.join(light, 'index.html'), 'w') as handle:
        handle.write(PAGE % dict(head='<style>body{font-family:sans-serif}</style><script src="/app.js" defer></script>',
                                 body='<img src="/logo.bmp" alt="logo" width="32" height="32">'))
    with open(os.path.join(light, 'app.js'), 'w') as handle:
        handle.write(script(2))
    with open(os.path.join(light, 'logo.bmp'), 'wb') as handle:
        handle.write(bmp(32, 32, 90))


SERVERS = {
    'heavy': 'root %(root)s/heavy; gzip off;',
    'light': 'root %(root)s/light; gzip on; gzip_types text/css application/javascript;\n'
             '    location ~* \\.(js|css|bmp)$ { expires 30d; }',
}
