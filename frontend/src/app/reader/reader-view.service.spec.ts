import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SessionService } from '../core/session.service';
import { ReaderViewService } from './reader-view.service';

describe('ReaderViewService', () => {
  let service: ReaderViewService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: SessionService, useValue: { ensure: () => Promise.resolve() } }],
    });
    service = TestBed.inject(ReaderViewService);
    http = TestBed.inject(HttpTestingController);
  });

  const flushed = () => new Promise((resolve) => setTimeout(resolve));

  it('saves a choice at once, with keepalive (a reload right after must not abort it), and shows it before the answer', async () => {
    service.choose('original');
    expect(service.view()).toBe('original');
    await flushed();
    const put = http.expectOne({ method: 'PUT', url: '/api/user/reader-view' });
    expect(put.request.body).toEqual({ view: 'original' });
    expect(put.request.keepalive).toBe(true);
    put.flush({ view: 'original' });
    // The same choice again sends nothing.
    service.choose('original');
    await flushed();
    http.expectNone({ method: 'PUT', url: '/api/user/reader-view' });
  });

  it('keeps the choice on screen when it cannot be saved', async () => {
    service.choose('personalized');
    await flushed();
    http.expectOne({ method: 'PUT', url: '/api/user/reader-view' }).flush({ statusCode: 503 }, { status: 503, statusText: 'Unavailable' });
    await flushed();
    expect(service.view()).toBe('personalized');
  });

  it('a choice made while the stored one is on its way wins', async () => {
    const loading = service.load();
    await flushed();
    service.choose('personalized');
    http.expectOne({ method: 'GET', url: '/api/user/reader-view' }).flush({ view: 'original' });
    expect(await loading).toBe('personalized');
    expect(service.view()).toBe('personalized');
  });
});
